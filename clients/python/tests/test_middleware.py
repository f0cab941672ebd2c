import json
import shutil
import tempfile
import time
import unittest

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from starlette.testclient import TestClient

from threadline_middleware import Identity, ThreadlineMiddleware
from tests.ingest_stand_in import IngestStandIn

IDENTITY = Identity(deployment_id="prod#4", model_name="reco", model_version=7, run_id="r" * 32, git_sha="g" * 40)
UUID7 = r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def build_app(**options: object) -> FastAPI:
    app = FastAPI()

    @app.post("/predict")
    async def predict(body: dict) -> dict:
        return {"items": ["B07"], "basket": body.get("basket")}

    @app.get("/empty")
    async def empty() -> dict:
        return {}

    @app.get("/list")
    async def listed() -> list:
        return [1, 2]

    @app.get("/has-id")
    async def has_id() -> dict:
        return {"prediction_id": "theirs", "x": 1}

    @app.get("/text")
    async def text() -> PlainTextResponse:
        return PlainTextResponse("hello")

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok"}

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("model file missing")

    app.add_middleware(ThreadlineMiddleware, identity=IDENTITY, flush_interval=0.02, **options)
    return app


class MiddlewareTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = IngestStandIn()
        self.spool = tempfile.mkdtemp(prefix="threadline-spool-")
        self.middlewares: list[ThreadlineMiddleware] = []

    def tearDown(self) -> None:
        for middleware in self.middlewares:
            middleware.shipper.close()
        self.server.close()
        shutil.rmtree(self.spool, ignore_errors=True)

    def client(self, **options: object) -> tuple[TestClient, ThreadlineMiddleware]:
        app = build_app(server_url=self.server.url, spool_dir=self.spool, **options)
        client = TestClient(app, raise_server_exceptions=False)
        # The middleware stack is built on the first request.
        client.get("/text")
        middleware = next(m for m in _stack(app) if isinstance(m, ThreadlineMiddleware))
        self.middlewares.append(middleware)
        return client, middleware

    def wait_for(self, count: int, timeout: float = 5.0) -> None:
        end = time.monotonic() + timeout
        while len(self.server.records) < count and time.monotonic() < end:
            time.sleep(0.01)
        self.assertEqual(len(self.server.records), count)

    def test_headers_fields_and_record_as_the_proxy_makes_them(self) -> None:
        client, _ = self.client()
        response = client.post("/predict", json={"basket": ["B01"]})
        pid = response.headers["x-threadline-prediction-id"]
        self.assertRegex(pid, UUID7)
        self.assertEqual(response.headers["x-threadline-run-id"], "r" * 32)
        self.assertEqual(response.headers["x-threadline-git-sha"], "g" * 40)
        # Spliced in before the closing brace, the app's bytes kept: the proxy's exact output.
        expected = '{"items":["B07"],"basket":["B01"],"prediction_id":"%s","model_version":7,"run_id":"%s","git_sha":"%s"}' % (pid, "r" * 32, "g" * 40)
        self.assertEqual(response.text, expected)
        self.assertEqual(response.headers["content-length"], str(len(expected)))
        self.wait_for(2)
        record = self.server.records[pid]
        self.assertEqual({k: record[k] for k in ("deployment_id", "method", "path", "status", "request_body", "response_body", "truncated", "model_name", "model_version", "run_id", "git_sha", "error")},
                         {"deployment_id": "prod#4", "method": "POST", "path": "/predict", "status": 200, "request_body": '{"basket": ["B01"]}', "response_body": expected, "truncated": False,
                          "model_name": "reco", "model_version": 7, "run_id": "r" * 32, "git_sha": "g" * 40, "error": None})
        self.assertGreater(record["latency_ms"], 0)
        self.assertAlmostEqual(record["time"] / 1000, time.time(), delta=10)

    def test_empty_objects_arrays_own_fields_and_text(self) -> None:
        client, _ = self.client()
        empty = client.get("/empty")
        self.assertEqual(empty.json(), {"prediction_id": empty.headers["x-threadline-prediction-id"], "model_version": 7, "run_id": "r" * 32, "git_sha": "g" * 40})
        self.assertEqual(client.get("/list").text, "[1,2]")
        own = client.get("/has-id")
        self.assertEqual(own.json(), {"prediction_id": own.headers["x-threadline-prediction-id"], "x": 1, "model_version": 7, "run_id": "r" * 32, "git_sha": "g" * 40})
        text = client.get("/text")
        self.assertEqual(text.text, "hello")
        self.assertIn("x-threadline-prediction-id", text.headers)
        health = client.get("/health")
        self.assertEqual((health.json(), "x-threadline-prediction-id" in health.headers), ({"status": "ok"}, False))
        off, _ = self.client(inject=False)
        self.assertEqual(off.get("/empty").json(), {})

    def test_an_app_error_is_logged_with_its_cause(self) -> None:
        client, _ = self.client()
        self.assertEqual(client.get("/boom").status_code, 500)
        self.wait_for(2)
        failed = next(r for r in self.server.records.values() if r["path"] == "/boom")
        self.assertEqual((failed["status"], failed["error"]), (500, "the app raised RuntimeError: model file missing"))

    def test_redaction_cap_and_sampling(self) -> None:
        client, _ = self.client(redact=["basket"], max_body=20)
        pid = client.post("/predict?token=abc", json={"basket": ["B01"], "user": "u"}).headers["x-threadline-prediction-id"]
        self.wait_for(2)
        record = self.server.records[pid]
        self.assertEqual(record["path"], "/predict?token=[REDACTED]")
        self.assertTrue(record["truncated"])
        self.assertNotIn("B01", record["request_body"])
        unsampled, _ = self.client(sample=0)
        quiet = unsampled.post("/predict", json={"basket": ["B02"]}).headers["x-threadline-prediction-id"]
        self.wait_for(4)
        self.assertEqual((self.server.records[quiet]["request_body"], self.server.records[quiet]["response_body"], self.server.records[quiet]["status"]), (None, None, 200))

    def test_spooled_while_the_server_is_down_and_replayed_when_it_answers(self) -> None:
        client, middleware = self.client()
        self.wait_for(1)
        self.server.answer = 503
        ids = [client.post("/predict", json={"basket": [str(i)]}).headers["x-threadline-prediction-id"] for i in range(30)]
        middleware.shipper.flush()
        self.assertTrue(middleware.shipper.degraded)
        self.assertGreater(middleware.shipper.spool.count(), 0)
        self.server.answer = 202
        self.wait_for(31)
        self.assertTrue(set(ids) <= set(self.server.records))
        # The sender removes the last replayed batch, then switches back: both, within a moment.
        deadline = time.monotonic() + 5
        while (middleware.shipper.spool.count() > 0 or middleware.shipper.degraded) and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(middleware.shipper.spool.count(), 0)
        self.assertFalse(middleware.shipper.degraded)

    def test_a_refused_token_is_logged_once_spooled_and_backed_off(self) -> None:
        self.server.answer = 401
        with self.assertLogs("threadline.middleware", level="WARNING") as logs:
            client, middleware = self.client(token="tl_not-the-right-token", retry_interval=0.1, max_retry_interval=0.4)
            started = time.monotonic()
            posts_before = self.server.posts
            ids = []
            while time.monotonic() - started < 2.0:
                ids.append(client.post("/predict", json={"basket": ["B01"]}).headers["x-threadline-prediction-id"])
                time.sleep(0.005)
            posts = self.server.posts - posts_before
            health = middleware.health()
            # Retried after 0.1, 0.2, 0.4, 0.4, 0.4 s: about 6 posts in 2 s; every 0.1 s would be 20, a tight loop hundreds.
            self.assertGreaterEqual(posts, 3)
            self.assertLessEqual(posts, 9)
            self.assertEqual((health["state"], health["refused_status"]), ("refused", 401))
            self.assertIn("answered 401: UNAVAILABLE: down (check the token: THREADLINE_TOKEN)", health["last_error"])
            self.assertGreater(health["spooled_batches"], 0)
            self.assertEqual(health["stats"]["sent"], 0)
            # Every record is still in the spool, none set aside.
            self.server.answer = 202
            self.wait_for(len(ids) + 1, timeout=5)
            self.assertTrue(set(ids) <= set(self.server.records))
        refusals = [r for r in logs.output if "refused" in r]
        self.assertEqual(len(refusals), 1, logs.output)
        self.assertNotIn("tl_not-the-right-token", "\n".join(logs.output))
        self.assertIn("takes predictions again", logs.output[-1])

    def test_a_slow_server_does_not_keep_records_in_memory_past_the_flush_interval(self) -> None:
        # What kill -9 would lose is what is not in the spool yet: at most the last flush interval
        # (0.02 s here), even while a post takes a second.
        client, middleware = self.client()
        self.wait_for(1)
        self.server.delay = 1.0
        ids = []
        for i in range(20):
            ids.append(client.post("/predict", json={"basket": [str(i)]}).headers["x-threadline-prediction-id"])
            time.sleep(0.02)
        time.sleep(0.15)
        spooled = set()
        for path in middleware.shipper.spool.pending():
            spooled |= {json.loads(line)["prediction_id"] for line in path.read_bytes().splitlines()}
        self.assertLessEqual(set(ids), spooled | set(self.server.records))
        self.server.delay = 0
        self.wait_for(21, timeout=10)

    def test_a_batch_left_by_a_killed_process_is_replayed_at_start(self) -> None:
        leftover = {"prediction_id": "01900000-0000-7000-8000-0000000000aa", "time": 1, "method": "POST", "path": "/predict", "status": 200, "latency_ms": 1}
        with open(f"{self.spool}/00000000000000000001-1-00000000.ndjson", "w") as file:
            file.write(json.dumps(leftover) + "\n")
        self.client()
        self.wait_for(2)
        self.assertIn(leftover["prediction_id"], self.server.records)

    def test_without_a_server_url_it_says_what_to_set(self) -> None:
        app = FastAPI()
        with self.assertRaisesRegex(ValueError, "THREADLINE_URL"):
            ThreadlineMiddleware(app, identity=IDENTITY)


class EncodingTest(unittest.TestCase):
    """The request path's shortcuts against what json.loads/json.dumps make of the same bytes."""

    def setUp(self) -> None:
        class Quiet:
            def log(self, record: object) -> None:
                pass

        self.m = ThreadlineMiddleware(FastAPI(), identity=IDENTITY, shipper=Quiet(), redact=["secret"])  # type: ignore[arg-type]

    def test_injection_without_parsing_agrees_with_the_parsed_object(self) -> None:
        pid = "01900000-0000-7000-8000-000000000001"
        for body in [b'{"a":1}', b'  {"a": [1, "}"]}\n', b"{}", b"{ \n }", b'{"nested":{"x":"\\"prediction_id\\""}}', "{\"é\":\"😀\"}".encode()]:
            out = json.loads(self.m.injected(body, pid))
            self.assertEqual(out, {**json.loads(body), "prediction_id": pid, "model_version": 7, "run_id": "r" * 32, "git_sha": "g" * 40}, body)
        # An object that has a trace key already is rebuilt, the traced values winning.
        self.assertEqual(json.loads(self.m.injected(b'{"run_id":"theirs","x":1}', pid)), {"run_id": "r" * 32, "x": 1, "prediction_id": pid, "model_version": 7, "git_sha": "g" * 40})
        for other in [b"[1,2]", b'"{}"', b"12", b"", b"{", b"}", b"{} x", b'  "a"  ']:
            self.assertIs(self.m.injected(other, pid), other, other)

    def test_a_record_line_is_the_json_of_its_fields(self) -> None:
        record = ("01900000-0000-7000-8000-000000000002", 1765000000000, "POST", "/p\u00e9?secret=s&x=\"1\"", 201, 1.234, '{"secret":"s","t":"\u0000\n😀"}'.encode(), True, b"\xff\xfe", False, "the app raised ValueError: bad \"input\"")
        line = self.m.encode(record)
        self.assertNotIn(b"\n", line)
        self.assertEqual(
            json.loads(line),
            {
                "prediction_id": record[0], "time": 1765000000000, "method": "POST", "path": "/p\u00e9?secret=[REDACTED]&x=\"1\"", "status": 201, "latency_ms": 1.234,
                "request_body": '{"secret":"[REDACTED]","t":"\u0000\n😀"}', "response_body": "\ufffd\ufffd", "truncated": True, "error": 'the app raised ValueError: bad "input"',
                "deployment_id": "prod#4", "model_name": "reco", "model_version": 7, "run_id": "r" * 32, "git_sha": "g" * 40,
            },
        )
        self.assertEqual(json.loads(self.m.encode(("i", 1, "GET", "/", 200, 0.0, None, False, b"", False, None)))["request_body"], None)


def _stack(app: FastAPI):
    node = app.middleware_stack
    while node is not None:
        yield node
        node = getattr(node, "app", None)


if __name__ == "__main__":
    unittest.main()
