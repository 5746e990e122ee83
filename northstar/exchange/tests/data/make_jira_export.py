"""Writes jira-export.csv: a Jira Cloud "CSV (all fields)" export of 540 issues, laid out as Jira writes it
(repeated columns for links and sprints, dates as 25/Nov/26 9:30 AM, estimates in seconds, Parent as the
parent's issue id). Deterministic; run it again to regenerate the file.

The project: 13 epics, each with 15 stories, most stories with 2 sub-tasks; "blocks" links between stories
(always from an earlier to a later one), one loop of three stories, and one link to an issue of another project.
"""

import csv
import datetime as dt
import random
from pathlib import Path

HEADER = [
    "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name", "Project type",
    "Project lead", "Priority", "Resolution", "Assignee", "Reporter", "Creator", "Created", "Updated",
    "Last Viewed", "Resolved", "Due date", "Votes", "Description", "Watchers", "Watchers", "Original estimate",
    "Remaining Estimate", "Time Spent", "Inward issue link (Blocks)", "Inward issue link (Blocks)",
    "Outward issue link (Blocks)", "Outward issue link (Blocks)", "Custom field (Rank)", "Sprint", "Sprint",
    "Custom field (Start date)", "Custom field (Story point estimate)", "Custom field (Team)", "Labels", "Labels",
    "Parent", "Parent summary", "Status Category", "Status Category Changed",
]  # fmt: skip
PEOPLE = ["Edith Editor", "Ivan IT", "Alice Chen", "Olivia Owner", ""]
TEAMS = ["Growth", "IT", "Platform"]  # Platform is not a team of the test workspace
STATUSES = [
    ("To Do", "To Do"),
    ("In Progress", "In Progress"),
    ("Done", "Done"),
    ("In Review", "In Progress"),
]
START = dt.date(2026, 10, 1)


def jira_date(day: dt.date, hour: int = 9) -> str:
    moment = dt.datetime.combine(day, dt.time(hour, 30))
    return moment.strftime("%d/%b/%y %I:%M %p").lstrip("0")


def main() -> None:
    rng = random.Random(2027)
    rows: list[dict[str, object]] = []
    next_id = 10000

    def issue(kind: str, summary: str, parent: dict[str, object] | None, team: str) -> dict[str, object]:
        nonlocal next_id
        status, category = rng.choice(STATUSES)
        begin = START + dt.timedelta(days=rng.randint(0, 60))
        length = rng.randint(2, 30)
        row: dict[str, object] = {
            "Summary": summary, "Issue key": f"NS-{len(rows) + 1}", "Issue id": next_id, "Issue Type": kind,
            "Status": status, "Status Category": category, "Project key": "NS", "Project name": "Northstar pilot",
            "Project type": "software", "Project lead": "Olivia Owner", "Priority": rng.choice(["High", "Medium", "Low"]),
            "Resolution": "Done" if category == "Done" else ("Won't Do" if rng.random() < 0.02 else ""),
            "Assignee": rng.choice(PEOPLE), "Reporter": "Olivia Owner", "Creator": "Olivia Owner",
            "Created": jira_date(begin - dt.timedelta(days=20)), "Updated": jira_date(begin),
            "Due date": jira_date(begin + dt.timedelta(days=length), 0) if rng.random() < 0.9 else "",
            "Custom field (Start date)": jira_date(begin, 0) if rng.random() < 0.8 else "",
            "Original estimate": rng.choice([3600 * 8 * d for d in (1, 2, 3, 5, 8)]) if kind != "Epic" else "",
            "Time Spent": 3600 * rng.randint(0, 24) if category != "To Do" else "",
            "Custom field (Story point estimate)": rng.choice([1, 2, 3, 5, 8]) if kind == "Story" else "",
            "Custom field (Team)": team if parent is None else "",
            "Custom field (Rank)": f"0|i{len(rows):05d}:", "Votes": 0, "Watchers": "Olivia Owner",
            "Description": f"{summary}.\nAcceptance: it works for the pilot customers, \"end to end\".",
            "Sprint": f"NS Sprint {rng.randint(1, 8)}" if kind != "Epic" else "",
            "Labels": rng.choice(["pilot", "", "billing", "onboarding"]),
            "Parent": parent["Issue id"] if parent else "", "Parent summary": parent["Summary"] if parent else "",
            "Status Category Changed": jira_date(begin),
        }  # fmt: skip
        next_id += 1
        rows.append(row)
        return row

    stories = []
    for e in range(13):
        epic = issue("Epic", f"Epic {e + 1}: {rng.choice(['Checkout', 'Onboarding', 'Billing', 'Search', 'Alerts'])} revamp",
                     None, TEAMS[e % 3])  # fmt: skip
        for s in range(15):
            story = issue(rng.choice(["Story", "Story", "Task", "Bug"]), f"Story {e + 1}.{s + 1}", epic, "")
            stories.append(story)
            for t in range(2 if rng.random() < 0.85 else 0):
                issue("Sub-task", f"Sub-task {e + 1}.{s + 1}.{t + 1}", story, "")
    blocks: dict[str, list[str]] = {}
    for _ in range(140):
        a, b = sorted(rng.sample(range(len(stories)), 2))
        blocks.setdefault(str(stories[a]["Issue key"]), []).append(str(stories[b]["Issue key"]))
    loop = [stories[10], stories[11], stories[12]]  # 11 blocks 12 blocks 13 blocks 11
    for x, y in zip(loop, loop[1:] + loop[:1], strict=True):
        blocks.setdefault(str(x["Issue key"]), []).insert(0, str(y["Issue key"]))
    blocks.setdefault(str(stories[0]["Issue key"]), []).insert(0, "OPS-7")  # another project's issue
    by_key = {str(r["Issue key"]): r for r in rows}
    for before, afters in blocks.items():
        for after in afters[:2]:
            outward = [v for v in (by_key[before].get("Outward issue link (Blocks)"),) if v]
            by_key[before]["Outward issue link (Blocks)"] = ";".join([*outward, after]) if outward else after
            if after in by_key and rng.random() < 0.5:  # Jira shows a link on both issues, sometimes
                by_key[after]["Inward issue link (Blocks)"] = before
    with open(Path(__file__).with_name("jira-export.csv"), "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for row in rows:
            cells, used = [], set()
            for name in HEADER:
                value = row.get(name, "")
                if name in ("Outward issue link (Blocks)",):  # one value per repeated column
                    values = str(value).split(";") if value else []
                    index = sum(1 for h in HEADER[: len(cells)] if h == name)
                    cells.append(values[index] if index < len(values) else "")
                    continue
                cells.append("" if name in used else value)
                used.add(name)
            writer.writerow(cells)
    print(len(rows), "issues")


if __name__ == "__main__":
    main()
