"""Channel-layer group names. Public ids only, so a group name reveals nothing sequential."""


def agents_of(account_public_id: str) -> str:
    return f"agents.{account_public_id}"
