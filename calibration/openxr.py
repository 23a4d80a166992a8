"""Tracked positions in the headset's STAGE space through OpenXR (pyopenxr, imported lazily).

The session is headless (XR_MND_headless, which Monado provides): calibration needs poses,
not rendering. Standalone headsets measure the same poses in the Unity package instead and
hand them over as a points file, so nothing here is required for a calibration.
"""

from __future__ import annotations

import logging
import time
from types import ModuleType

import numpy as np

log = logging.getLogger(__name__)

NO_OPENXR_HINT = "or type the poses in (`calibrate solve --point ROOM=STAGE`) or pass a points file"


class OpenXRUnavailable(RuntimeError):
    """OpenXR cannot be used here; the message says which piece is missing."""


def import_xr() -> ModuleType:
    try:
        import xr
    except ImportError as exc:
        raise OpenXRUnavailable(
            f"pyopenxr is not installed (`pip install pyopenxr`, it bundles the OpenXR loader); "
            f"{NO_OPENXR_HINT}") from exc
    except OSError as exc:
        raise OpenXRUnavailable(f"the OpenXR loader (libopenxr_loader) failed to load: {exc}; "
                                f"{NO_OPENXR_HINT}") from exc
    return xr


class StageTracker:
    """A headless OpenXR session reading the headset's or the right controller's STAGE position."""

    def __init__(self, device: str = "controller") -> None:
        if device not in ("controller", "headset"):
            raise ValueError(f"device must be 'controller' or 'headset', got {device!r}")
        self.device = device
        self.xr = import_xr()
        self.instance = self.session = None

    def __enter__(self) -> StageTracker:
        xr = self.xr
        try:
            available = {e.extension_name for e in xr.enumerate_instance_extension_properties()}
            if xr.MND_HEADLESS_EXTENSION_NAME not in available:
                raise OpenXRUnavailable(
                    f"the active OpenXR runtime lacks {xr.MND_HEADLESS_EXTENSION_NAME}, needed to "
                    f"read poses without rendering (Monado has it); {NO_OPENXR_HINT}")
            self.instance = xr.create_instance(xr.InstanceCreateInfo(
                enabled_extension_names=[xr.MND_HEADLESS_EXTENSION_NAME]))
            system = xr.get_system(self.instance, xr.SystemGetInfo(
                form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY))
        except (xr.RuntimeUnavailableError, xr.RuntimeFailureError) as exc:
            raise OpenXRUnavailable(
                "no active OpenXR runtime: start Monado or SteamVR, or point XR_RUNTIME_JSON at a "
                f"runtime manifest ({exc}); {NO_OPENXR_HINT}") from exc
        except xr.FormFactorUnavailableError as exc:
            raise OpenXRUnavailable(f"the OpenXR runtime sees no headset: connect and wake it ({exc})") from exc
        self.session = xr.create_session(self.instance, xr.SessionCreateInfo(system_id=system))
        self.stage = xr.create_reference_space(self.session, xr.ReferenceSpaceCreateInfo(
            reference_space_type=xr.ReferenceSpaceType.STAGE))
        if self.device == "headset":
            self.space = xr.create_reference_space(self.session, xr.ReferenceSpaceCreateInfo(
                reference_space_type=xr.ReferenceSpaceType.VIEW))
        else:
            self.space = self._controller_space()
        self._wait_until_running()
        return self

    def _controller_space(self):
        xr = self.xr
        self.action_set = xr.create_action_set(self.instance, xr.ActionSetCreateInfo(
            action_set_name="calibration", localized_action_set_name="Calibration", priority=0))
        hand = xr.string_to_path(self.instance, "/user/hand/right")
        grip = xr.create_action(self.action_set, xr.ActionCreateInfo(
            action_type=xr.ActionType.POSE_INPUT, action_name="grip", localized_action_name="Grip",
            subaction_paths=[hand]))
        xr.suggest_interaction_profile_bindings(self.instance, xr.InteractionProfileSuggestedBinding(
            interaction_profile=xr.string_to_path(self.instance, "/interaction_profiles/khr/simple_controller"),
            suggested_bindings=[xr.ActionSuggestedBinding(
                grip, xr.string_to_path(self.instance, "/user/hand/right/input/grip/pose"))]))
        xr.attach_session_action_sets(self.session, xr.SessionActionSetsAttachInfo(
            action_sets=[self.action_set]))
        return xr.create_action_space(self.session, xr.ActionSpaceCreateInfo(
            action=grip, subaction_path=hand))

    def _wait_until_running(self, timeout_s: float = 10.0) -> None:
        xr, deadline = self.xr, time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                event = xr.poll_event(self.instance)
            except xr.EventUnavailable:
                time.sleep(0.05)
                continue
            if xr.StructureType(event.type) == xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
                state = xr.EventDataSessionStateChanged.from_buffer(event).state
                if xr.SessionState(state) == xr.SessionState.READY:
                    xr.begin_session(self.session, xr.SessionBeginInfo(
                        primary_view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO))
                    return
        raise OpenXRUnavailable(f"the OpenXR session did not become ready in {timeout_s:.0f} s: "
                                "is the headset awake and tracking?")

    def position(self, frames: int = 30) -> np.ndarray:
        """(3,) STAGE position, averaged over `frames` tracked frames so that hand jitter cancels."""
        xr, samples = self.xr, []
        valid = xr.SpaceLocationFlags.POSITION_VALID_BIT | xr.SpaceLocationFlags.POSITION_TRACKED_BIT
        for _ in range(frames * 10):
            state = xr.wait_frame(self.session)
            xr.begin_frame(self.session)
            if self.device == "controller":
                xr.sync_actions(self.session, xr.ActionsSyncInfo(
                    active_action_sets=[xr.ActiveActionSet(self.action_set, xr.NULL_PATH)]))
            loc = xr.locate_space(self.space, self.stage, state.predicted_display_time)
            xr.end_frame(self.session, xr.FrameEndInfo(
                display_time=state.predicted_display_time,
                environment_blend_mode=xr.EnvironmentBlendMode.OPAQUE))
            if (loc.location_flags & valid) == valid:
                p = loc.pose.position
                samples.append((p.x, p.y, p.z))
                if len(samples) == frames:
                    return np.mean(samples, axis=0)
        raise OpenXRUnavailable(f"the {self.device} is not tracked: bring it into the sensors' view")

    def __exit__(self, *exc) -> None:
        if self.instance is not None:
            self.xr.destroy_instance(self.instance)  # destroys the session and spaces with it
