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

# Regenerate the committed wire code from protos/: Python (tests/test_proto_drift.py) and the
# Unity package's C# (tests/test_csharp_codegen_drift.py; needs Debian's protobuf-compiler).
CSHARP_OUT := unity_package/Runtime/Generated
CSHARP_PLUGIN := $(abspath unity_package/Tools~/protoc_gen_grpc_csharp_client.py)
proto: $(STAMP)
	$(PY) -m grpc_tools.protoc -Iprotos --python_out=python_service --pyi_out=python_service \
		--grpc_python_out=python_service protos/talking_together/v1/*.proto
	mkdir -p build
	printf '#!/bin/sh\nexec "%s" "%s" "$$@"\n' "$(abspath $(PY))" "$(CSHARP_PLUGIN)" > build/protoc-gen-ttgrpc
	chmod +x build/protoc-gen-ttgrpc
	cd protos && protoc -I. --csharp_out=../$(CSHARP_OUT) --plugin=protoc-gen-ttgrpc=../build/protoc-gen-ttgrpc \
		--ttgrpc_out=../$(CSHARP_OUT) talking_together/v1/*.proto

clean:
	rm -rf $(VENV) out build *.egg-info
