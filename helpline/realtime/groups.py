"""Channel-layer group names. Public ids only, so a group name reveals nothing sequential."""


def agents_of(account_public_id: str) -> str:
    return f"agents.{account_public_id}"


def chat_session(session_public_id: str) -> str:
    """Everyone in one live chat: the visitor's sockets and the sockets of agents who opened it."""
    return f"chat.{session_public_id}"


def visitors_of(account_public_id: str) -> str:
    """The agents watching the account's live visitors list (page views, visitors leaving)."""
    return f"visitors.{account_public_id}"


def chat_visitor(account_public_id: str, visitor_id: str) -> str:
    """Every widget socket of one visitor of one account (agent invitations reach it)."""
    return f"visitor.{account_public_id}.{visitor_id}"


def ticket_viewers(account_public_id: str, ticket_public_id: str) -> str:
    """The agent sockets showing one ticket: who views it and who writes a reply (collision detection)."""
    return f"ticket.{account_public_id}.{ticket_public_id}"


def agent_user(account_public_id: str, user_public_id: str) -> str:
    """Every workspace socket of one agent in one account: what is for that agent alone (notifications)."""
    return f"agent.{account_public_id}.{user_public_id}"
