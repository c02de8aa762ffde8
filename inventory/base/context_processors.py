"""Template context every page needs: the navigation the user may see, and their roles."""

from .menu import menu_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "user_roles": []}
    return {
        "nav_sections": menu_for(user),
        "user_roles": sorted(group.name for group in user.groups.all()),
    }
