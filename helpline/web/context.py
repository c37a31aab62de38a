"""Template context shared by every workspace page."""


def workspace(request):
    membership = getattr(request, "membership", None)
    return {"membership": membership, "account": getattr(membership, "account", None)}
