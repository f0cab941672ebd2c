"""The demo's recommender served by FastAPI + uvicorn, traced in-process by Threadline's ASGI middleware.

    MODEL_DIR=model THREADLINE_URL=http://127.0.0.1:5000 python3 serve_fastapi.py --port 8080

MODEL_DIR holds the model.json that train.mjs writes (the image sets MODEL_DIR, GIT_SHA,
THREADLINE_RUN_ID and THREADLINE_MODEL; `threadline deploy` adds THREADLINE_DEPLOYMENT). Every answer
carries prediction_id, model_version, run_id and git_sha, and every request is logged to the
Threadline server. `--no-middleware` serves the same app bare (the baseline of bench/middleware.ts).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from fastapi import FastAPI, HTTPException

# The middleware ships in this repository (clients/python); an installed copy is used when there is one.
sys.path.append(str(Path(__file__).resolve().parents[2] / "clients" / "python"))


def recommend(model: dict, basket: list[str], n: int | None = None) -> list[str]:
    """train.mjs's recommend(): co-occurrence counts of the basket's items, topped up with the popular ones."""
    n = model["k"] if n is None else n
    scores: dict[str, int] = {}
    for item in basket:
        for other, count in model["neighbours"].get(item, []):
            if other not in basket:
                scores[other] = scores.get(other, 0) + count
    ranked = [item for item, _ in sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))]
    for item in model["popular"]:
        if len(ranked) < n and item not in ranked and item not in basket:
            ranked.append(item)
    return ranked[:n]


def build_app(model_dir: str, traced: bool = True) -> FastAPI:
    model = json.loads((Path(model_dir) / "model.json").read_text())
    app = FastAPI(title="amazon-recommender")

    @app.post("/predict")
    async def predict(body: dict) -> dict:
        basket = body.get("basket")
        if not isinstance(basket, list):
            raise HTTPException(status_code=400, detail="basket must be a list of product ids")
        return {"recommended_items": recommend(model, [str(item) for item in basket])}

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "model": os.environ.get("THREADLINE_MODEL"), "git_sha": os.environ.get("GIT_SHA")}

    if traced:
        from threadline_middleware import ThreadlineMiddleware

        app.add_middleware(ThreadlineMiddleware)
    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--model-dir", default=os.environ.get("MODEL_DIR", "model"))
    parser.add_argument("--no-middleware", action="store_true")
    args = parser.parse_args()
    app = build_app(args.model_dir, traced=not args.no_middleware)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
