"""Group robots' webhooks, pure: the exact request per platform, and what its answer means. No Django.

Formats, as the platforms document them (checked against public copies of their pages):
- 企业微信 group robot (https://developer.work.weixin.qq.com/document/path/91770, e.g. as quoted at
  https://www.yingdao.com/community/detaildiscuss?id=865050131578982400): POST the webhook with
  `{"msgtype": "markdown", "markdown": {"content": ...}}`, content at most 4096 bytes; the answer is
  `{"errcode": 0, "errmsg": "ok"}`. No signature (the key is in the URL).
- 钉钉 custom robot (https://open.dingtalk.com/document/robots/customize-robot-security-settings, as
  quoted at https://www.mihaoyun.com/wordpress/?p=391 and https://binkzhou.github.io/blog/other/2023/0211001.html):
  `{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}`; 加签: timestamp in milliseconds,
  HMAC-SHA256 keyed with the secret over f"{timestamp}\\n{secret}", Base64, URL-encoded, appended to
  the webhook as `&timestamp=...&sign=...`. The answer is `{"errcode": 0, "errmsg": "ok"}`.
- 飞书 custom bot (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, as quoted at
  https://m.down10s.com/jiaocheng/5605312225.html): 签名校验 puts "timestamp" (seconds, a string) and
  "sign" in the body, sign = Base64(HMAC-SHA256 keyed with f"{timestamp}\\n{secret}" over an empty
  message); the message is an interactive card whose text is `lark_md`. The answer is
  `{"code": 0, "msg": "success", ...}`, or from older deployments `{"StatusCode": 0, ...}`.

A non-zero code is the platform refusing the message (a wrong key, a bad signature, a keyword
missing): retrying sends the same refusal, so it is final, with the platform's own message kept.
Rate limits are the exception, worth another try later (the job backs off):
- 企业微信 45009 "api freq out of limit" (20 messages a minute per robot);
- 钉钉 130101 "send too fast, exceed 20 times per minute" and 410100 (发送速度太快而限流);
- 飞书 9499 "too many request" and 11232 (frequency limited, 100 a minute / 5 a second);
and HTTP 429 from any of them, as 5xx answers.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from tasks.i18n import _

__all__ = [
    "DINGTALK",
    "FEISHU",
    "PLATFORM_HOSTS",
    "RATE_LIMIT_CODES",
    "WECOM",
    "Answer",
    "RobotRequest",
    "build_request",
    "dingtalk_sign",
    "feishu_sign",
    "interpret",
    "markdown",
]

# The values of tasks.models.Channel (this module imports no model).
WECOM, DINGTALK, FEISHU = "wecom", "dingtalk", "feishu"

# Where each platform's webhooks live: a webhook elsewhere is refused (unless a setting allows it), so
# that a robot cannot be made to post the portal's messages to any server.
PLATFORM_HOSTS: dict[str, frozenset[str]] = {
    WECOM: frozenset({"qyapi.weixin.qq.com"}),
    DINGTALK: frozenset({"oapi.dingtalk.com"}),
    FEISHU: frozenset({"open.feishu.cn", "open.larksuite.com"}),
}

RATE_LIMIT_CODES: dict[str, frozenset[int]] = {
    WECOM: frozenset({45009}),
    DINGTALK: frozenset({130101, 410100}),
    FEISHU: frozenset({9499, 11232}),
}

# 企业微信 refuses markdown content over 4096 bytes (UTF-8); 钉钉 and 飞书 allow far more than an event says.
WECOM_MAX_BYTES = 4096


@dataclass(frozen=True)
class RobotRequest:
    """What to POST: the URL (with 钉钉's signature) and the JSON body."""

    url: str
    body: dict[str, Any]

    def data(self) -> bytes:
        """The body as sent: UTF-8 JSON, Chinese as it is (not \\u escapes)."""
        return json.dumps(self.body, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Answer:
    """What the platform said: delivered, or not and whether another try may help."""

    ok: bool
    transient: bool = False
    code: int | None = None
    message: str = ""
    # The answer as it came (status and the start of the body), for the test button to show.
    raw: str = ""


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签, Base64 (before URL encoding)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """飞书 签名校验: the key is timestamp and secret, the message empty."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def markdown(title: str, text: str, link: str) -> str:
    """The message as the robots' markdown: the title in bold, the text, and a link back to the portal."""
    parts = [f"**{title}**"]
    if text:
        parts.append(text)
    if link:
        parts.append(f"[{_('Open in the portal')}]({link})")
    return "\n\n".join(parts)


def _fit_bytes(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[: limit - len("…".encode())].decode(errors="ignore") + "…"


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def build_request(
    platform: str, webhook_url: str, secret: str, title: str, text: str, link: str, now: datetime.datetime
) -> RobotRequest:
    """The request that posts (title, markdown text, link) to the robot at `now` (signatures expire:
    钉钉 accepts a timestamp within an hour of its clock)."""
    content = markdown(title, text, link)
    if platform == WECOM:
        return RobotRequest(
            webhook_url,
            {"msgtype": "markdown", "markdown": {"content": _fit_bytes(content, WECOM_MAX_BYTES)}},
        )
    if platform == DINGTALK:
        url = webhook_url
        if secret:
            timestamp = int(now.timestamp() * 1000)
            sign = quote_plus(dingtalk_sign(secret, timestamp))
            url = _with_query(webhook_url, f"timestamp={timestamp}&sign={sign}")
        return RobotRequest(url, {"msgtype": "markdown", "markdown": {"title": title, "text": content}})
    if platform == FEISHU:
        body: dict[str, Any] = {}
        if secret:
            timestamp = int(now.timestamp())
            body |= {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}
        body |= {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": title}, "template": "blue"},
                "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": _feishu_text(text, link)}}],
            },
        }
        return RobotRequest(webhook_url, body)
    raise ValueError(f"not a robot platform: {platform!r}")


def _feishu_text(text: str, link: str) -> str:
    # The card's header carries the title; the text and the link go in its body.
    parts = [text] if text else []
    if link:
        parts.append(f"[{_('Open in the portal')}]({link})")
    return "\n\n".join(parts)


def _snippet(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _http(status: int, text: str) -> str:
    snippet = _snippet(text)
    return f"HTTP {status}: {snippet}" if snippet else f"HTTP {status}"


def interpret(platform: str, status: int, text: str) -> Answer:
    """What an HTTP answer of the platform means. 429 and 5xx are worth another try; otherwise the
    platform's result code decides (飞书 answers some refusals, its rate limit too, with HTTP 400 and a
    code), and an answer without one is a refusal. Redirects are not followed: a 3xx is a refusal."""
    raw = f"HTTP {status} {_snippet(text, 500)}".strip()
    if status == 429 or status >= 500:
        return Answer(raw=raw, ok=False, transient=True, message=_http(status, text))
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    code = message = None
    if isinstance(data, dict):
        if platform == FEISHU:
            code = data.get("code", data.get("StatusCode"))
            message = data.get("msg", data.get("StatusMessage"))
        else:
            code, message = data.get("errcode"), data.get("errmsg")
    if not isinstance(code, int) or isinstance(code, bool):
        if status >= 300:
            return Answer(raw=raw, ok=False, message=_http(status, text))
        return Answer(
            raw=raw, ok=False, message=_("The answer has no result code: %(text)s") % {"text": _snippet(text)}
        )
    message = "" if message is None else str(message)
    if code == 0 and status < 300:
        return Answer(raw=raw, ok=True, code=0, message=message)
    return Answer(
        raw=raw,
        ok=False,
        transient=code in RATE_LIMIT_CODES.get(platform, frozenset()),
        code=code,
        message=message,
    )
