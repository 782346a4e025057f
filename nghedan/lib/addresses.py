"""The address a request really comes from, for rate limits and sign-in lock-outs."""

from django.conf import settings


def client_address(request) -> str | None:
    """REMOTE_ADDR, or behind NGHEDAN_TRUSTED_PROXIES proxies the address the nearest trusted
    proxy saw. Hops further left are written by the client and cannot be trusted."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None
