"""The global options that fix a transport error, added to its hint: --request-timeout, --ca-bundle, --insecure."""

from __future__ import annotations

from ... import errors


def transport_words(exc: errors.AvictlError) -> errors.AvictlError:
    """`exc` with the global option that changes the outcome named in its hint (other errors as they are)."""
    import sys

    if "avictl.http" not in sys.modules:  # no transport, no transport error (and no httpx import for nothing)
        return exc
    from ...http import BadCaBundle, CertificateUnverified, TimedOut

    if isinstance(exc, TimedOut):
        exc.hint = "raise --request-timeout or check the URL and network"
    elif isinstance(exc, CertificateUnverified):
        exc.hint = "pass the server's CA with --ca-bundle (or the ca_bundle setting); --insecure skips verification"
    elif isinstance(exc, BadCaBundle):
        exc.hint = "check the ca_bundle setting or --ca-bundle"
    return exc
