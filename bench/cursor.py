"""The API's keyset pagination as a client follows it. A page of /api/v1/records may carry
`next`: a URL (absolute or a path) or a bare cursor. Without it the API only pages by number,
and the benchmark measures that alone."""
from urllib.parse import parse_qs, quote, urlsplit


def next_path(payload: dict, per_page: int) -> str | None:
    """The path and query of the page after this one, or None on the last page (or when the
    API gives no cursor)."""
    value = payload.get("next")
    if not value:
        return None
    if value.startswith(("http://", "https://", "/")):
        parts = urlsplit(value)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path
    return f"/api/v1/records?per_page={per_page}&cursor={quote(value, safe='')}"


def cursor_of(path: str) -> str:
    return parse_qs(urlsplit(path).query)["cursor"][0]
