"""Files static hosts read: CNAME, .nojekyll, _redirects and _headers (Netlify, Codeberg...)."""

from __future__ import annotations

from .assemble import alias_output
from .model import Output, Site, digest


def host_outputs(site: Site, key: str) -> list[Output]:
    config = site.config
    host = config.host
    outputs = []
    if host.get("cname"):
        outputs.append(
            Output("CNAME", "text", digest("cname", key), context={"text": host["cname"] + "\n"})
        )
    if host.get("nojekyll", True):
        outputs.append(Output(".nojekyll", "text", digest("nojekyll", key), context={"text": ""}))
    redirects = sorted(
        (
            config.base_path
            + alias.strip("/")
            + (
                ""
                if alias_output(alias).endswith((".html", ".htm")) and not alias.endswith("/")
                else "/"
            ),
            page.url,
        )
        for page in site.pages
        for alias in page.aliases
    )
    if redirects and host.get("redirects", True):
        text = "".join(f"{old} {new} 301\n" for old, new in redirects)
        outputs.append(
            Output("_redirects", "text", digest("redirects", key, text), context={"text": text})
        )
    headers = host.get("headers")
    if headers:
        lines = []
        for pattern, values in sorted(headers.items()):
            lines.append(pattern)
            lines.extend(f"  {name}: {value}" for name, value in sorted(values.items()))
        text = "\n".join(lines) + "\n"
        outputs.append(
            Output("_headers", "text", digest("headers", key, text), context={"text": text})
        )
    return outputs
