from . import access


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member = access.profile(user)
    return {
        "me": member,
        "is_school_admin": access.is_admin(user),
        "my_secretary_branch_id": access.secretary_branch_id(user),
        "my_leader_branch_id": access.leader_branch_id(user),
        "is_branch_member": access.branch_member(user) is not None,
    }
