# The README's two commands: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench proto install clean

install: $(STAMP)

# torch first, pinned: it takes the local CPU wheel and never a newer CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/talking-together demo --out out/demo

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Regenerate the Python wire code from protos/ (committed; tests/test_proto_drift.py checks it).
proto: $(STAMP)
	$(PY) -m grpc_tools.protoc -Iprotos --python_out=python_service --pyi_out=python_service \
		--grpc_python_out=python_service protos/talking_together/v1/*.proto

clean:
	rm -rf $(VENV) out build *.egg-info
