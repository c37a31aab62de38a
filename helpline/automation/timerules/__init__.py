"""Time rules: act on tickets once a clock (since created, since the customer's or the agent's last message, since
the status changed) has run for a while, in calendar or business hours. The scheduler's sweep (``sweep.py``) finds
the candidates through the indexed clock columns; ``clocks.py`` turns a threshold into a bound on those columns;
``schema.py`` checks a rule (conditions and actions are the event rules')."""
