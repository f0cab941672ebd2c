"""Who is serving: read once from the environment the model image and the deploy targets set."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Identity:
    deployment_id: str | None
    model_name: str | None
    model_version: int | None
    run_id: str | None
    git_sha: str | None


def identity_from_env(env: Mapping[str, str] | None = None) -> Identity:
    """THREADLINE_DEPLOYMENT, THREADLINE_MODEL (`name/version`), THREADLINE_RUN_ID or run_id, GIT_SHA or git_sha."""
    env = os.environ if env is None else env
    name, version = _model(env.get("THREADLINE_MODEL") or "")
    return Identity(
        deployment_id=env.get("THREADLINE_DEPLOYMENT") or None,
        model_name=name,
        model_version=version,
        run_id=env.get("THREADLINE_RUN_ID") or env.get("run_id") or None,
        git_sha=env.get("GIT_SHA") or env.get("git_sha") or None,
    )


def _model(value: str) -> tuple[str | None, int | None]:
    if not value:
        return None, None
    match = re.fullmatch(r"(.+)/(\d+)", value)
    return (match.group(1), int(match.group(2))) if match else (value, None)
