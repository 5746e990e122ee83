"""The coach's rules, one small module each. Every module holds ``RULE`` (its id, severity, scope, summary and
examples in both languages) and ``check``, whose signature follows the scope:

* key_result: ``check(kr, context) -> list[Finding]``
* objective: ``check(objective, language) -> list[Finding]``
* workspace: ``check(objectives, language) -> list[Finding]``
"""
