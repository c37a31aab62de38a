"""Reading the routing settings that apply to a chat: account defaults, department strategy, agent limits."""

from __future__ import annotations

from helpline.routing.models import AccountRouting, AgentRouting, DepartmentRouting


def account_routing(account) -> AccountRouting:
    """The account's settings; unsaved defaults when the account never changed them."""
    return AccountRouting.objects.filter(account=account).first() or AccountRouting(account=account)


def strategy_for(account, department=None, *, routing: AccountRouting | None = None) -> str:
    if department is not None:
        own = DepartmentRouting.objects.filter(account=account, department=department).values_list(
            "strategy", flat=True
        )
        if own:
            return own[0]
    return (routing or account_routing(account)).strategy


def agent_profiles(account, user_ids) -> dict[int, AgentRouting]:
    """Each agent's routing profile; unsaved defaults for agents without one."""
    found = {p.user_id: p for p in AgentRouting.objects.filter(account=account, user_id__in=list(user_ids))}
    return {uid: found.get(uid) or AgentRouting(account=account, user_id=uid) for uid in user_ids}


def chat_limit_of(profile: AgentRouting, routing: AccountRouting) -> int:
    return profile.chat_limit if profile.chat_limit is not None else routing.chat_limit
