"""The baseline: a script that follows `next` one page at a time, as scripts on the official
SDK's `get()` + `next` do, keeping its connection alive (requests.Session).

    python bench/follower.py URL CA USER PASSWORD [PAGE_SIZE]

Prints the number of objects read and the requests made.
"""

from __future__ import annotations

import os
import sys

import requests


def main() -> None:
    url, ca, user, password = sys.argv[1:5]
    for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ.pop(var, None)  # requests would let these override the session's CA
    page_size = int(sys.argv[5]) if len(sys.argv) > 5 else None
    session = requests.Session()
    session.verify = ca if ca != "-" else True
    session.post(f"{url}/login", json={"username": user, "password": password}).raise_for_status()
    session.headers.update({"X-Avi-Version": "22.1.3", "X-Avi-Tenant": "admin"})
    params = {"join_subresources": "runtime", "include_name": "true"}
    if page_size:
        params["page_size"] = str(page_size)
    next_url: str | None = f"{url}/api/virtualservice"
    seen = requests_made = 0
    while next_url:
        r = session.get(next_url, params=params if requests_made == 0 else None)
        r.raise_for_status()
        data = r.json()
        requests_made += 1
        seen += len(data["results"])
        next_url = data.get("next")
    print(seen, requests_made)


if __name__ == "__main__":
    main()
