"""Template context every page needs: the navigation the user may see, and their roles."""

from .menu import menu_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "user_roles": []}
    sections = menu_for(user)
    return {
        "nav_sections": sections,
        "nav_active_section": _active_section(sections, request.path),
        "user_roles": sorted(group.name for group in user.groups.all()),
    }


def _active_section(sections, path: str) -> str:
    """The section holding the page being shown (its entry's URL is the longest prefix of
    the path), so "Job runs" lights up Monitoring, not the app it is implemented in."""
    best, best_length = "", 0
    for section, items in sections:
        for item in items:
            url = item.url
            if path.startswith(url) and len(url) > best_length:
                best, best_length = section, len(url)
    return best
