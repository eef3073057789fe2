"""docs/advice.md stays true: its step table is the rules', its example is a real answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from fraudlink.advice.service import all_steps

DOC = Path(__file__).parent.parent.parent / "docs" / "advice.md"


def steps_table() -> str:
    """The steps as the Markdown table that docs/advice.md must contain."""
    lines = ["| id | urgency | priority | contact | applies when |", "|---|---|---|---|---|"]
    steps = all_steps()
    for rule in steps:
        contact = f"`{rule.contact.key}`" if rule.contact else ""
        when = rule.describe_when()
        for other in steps:
            if rule.id in other.supersedes:
                when += f"; but not in a plan with `{other.id}`"
        lines.append(
            f"| `{rule.id}` | {rule.urgency.value} | {rule.priority} | {contact} | {when} |"
        )
    return "\n".join(lines)


def test_the_step_table_matches_the_rules() -> None:
    assert steps_table() in DOC.read_text(), "paste tests.advice.test_docs.steps_table()"


def test_the_example_is_a_real_answer(client: TestClient) -> None:
    text = DOC.read_text()
    request = re.search(
        r'curl -H "([^:]+): ([^"]+)" "http://127\.0\.0\.1:8000(/v1/advice\?[^"]+)"', text
    )
    assert request is not None, "the example request is gone"
    header, value, path = request.groups()
    documented = json.loads(text[request.end() :].split("```json\n", 1)[1].split("```", 1)[0])
    answer = client.get(path, headers={header: value}).json()
    # The version changes with every edit of rules.yaml, even a comment; the steps must not drift.
    assert re.fullmatch(r"[0-9a-f]{12}", documented.pop("rules_version"))
    answer.pop("rules_version")
    assert documented == answer, json.dumps(answer, indent=2, ensure_ascii=False)
