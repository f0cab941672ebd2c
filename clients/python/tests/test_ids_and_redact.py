import unittest

from threadline_middleware.ids import uuid7
from threadline_middleware.redact import REDACTED, BodyCapture, Redactor


class Uuid7Test(unittest.TestCase):
    def test_version_variant_time_and_order(self) -> None:
        ids = [uuid7() for _ in range(5000)]
        for value in ids[:50]:
            self.assertRegex(value, r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(set(ids)), len(ids))
        self.assertEqual(int(uuid7(1_800_000_000_000).replace("-", "")[:12], 16), 1_800_000_000_000)


class RedactTest(unittest.TestCase):
    def test_named_and_secret_keys_at_any_depth_and_inside_json_strings(self) -> None:
        redactor = Redactor(["email"])
        out = redactor.text('{"Email":"a@b.c","items":[{"api_key":"k1","n":1}],"payload":"{\\"password\\":\\"p\\"}","keep":"x"}')
        self.assertEqual(out, '{"Email":"[REDACTED]","items":[{"api_key":"[REDACTED]","n":1}],"payload":"{\\"password\\":\\"[REDACTED]\\"}","keep":"x"}')

    def test_text_that_is_not_json_and_query_strings(self) -> None:
        redactor = Redactor(["email"])
        self.assertEqual(redactor.text('{"email": "a@b.c", "token": "abc'), f'{{"email": "{REDACTED}", "token": "{REDACTED}"')
        self.assertEqual(redactor.path("/predict?user=1&Token=xyz&email=a%40b"), f"/predict?user=1&Token={REDACTED}&email={REDACTED}")
        self.assertEqual(redactor.text("see https://bob:hunter2@example.com/x"), "see https://***@example.com/x")

    def test_inactive_without_keys(self) -> None:
        self.assertEqual(Redactor([]).text('{"password":"p"}'), '{"password":"p"}')

    def test_capture_cuts_at_the_cap(self) -> None:
        capture = BodyCapture(5)
        capture.add(b"abc")
        capture.add(b"defg")
        self.assertEqual(capture.text(Redactor()), "abcde")
        self.assertTrue(capture.truncated)
        self.assertIsNone(BodyCapture(5).text(Redactor()))
        cut = BodyCapture(1)
        cut.add("é".encode())
        self.assertEqual(cut.text(Redactor()), "\ufffd")  # a character cut in half, as the proxy logs it


if __name__ == "__main__":
    unittest.main()
