"""Properties that hold for every valid survey, checked with hypothesis over small random ones.

Each survey is drawn as frames with the English aliases (members, tasks, hours: one row per
member and task, hours given as 月間工数 or as 回数 × 1回あたり時間, 対応可 backups without
hours) and built with ``gyomu.make_client``. The properties:

1. every share KPI lies in [0, 1] (and the other KPIs in their ranges);
2. hours by grade, by member and by category each sum to the total (shares sum to 1);
3. the truck factor lies between 1 and the member count when there are hours (0 without);
4. anonymisation is one-to-one and stable (same pseudonym per member, whatever the row order);
5. a workbook written from the template and filled by code loads back to the same frames,
   and so do the three CSVs in every accepted encoding (UTF-8, UTF-8 with BOM, cp932);
6. the KPIs do not depend on the order of the rows;
7. simulate() with no measures changes nothing;
8. a measure that removes nothing (reduction 0) changes no hours, and no measure makes the
   total grow or any hours negative (except 集約, which adds hand-off hours);
9. every table and interpretation sentence of the workload and gap notebooks can be written
   (Japanese, no 'nan') for every valid survey with a vision, even one whose hours are all 0;
10. the same for the interview notebook, for any handful of transcripts (or none).
"""

from __future__ import annotations

import dataclasses
import math
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import gyomu
from gyomu import schema
from gyomu.client import Measure, Target, Vision
from gyomu.kpi import kpis, truck_factor
from gyomu.simulation import simulate
from gyomu.synthetic import write_client_folder
from gyomu.template import write_survey
from gyomu.workload import hours_by_category, hours_by_grade, hours_by_member

PROPERTIES = 11
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CATEGORIES = ("庶務", "施設管理", "契約・購買", "人事労務", "総務企画")
PURPOSES = ("戦略", "改善", "運用", "管理")
FAMILY = "青井上江岡木久佐田中野原松宮森山"
GIVEN = "一二三四五花子太郎美"

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW_SETTINGS = settings(SETTINGS, max_examples=12)

maybe = st.none().__or__


@st.composite
def surveys(draw, max_members: int = 6, max_tasks: int = 6) -> dict:
    """Frames (members, tasks, hours) and the grades of a small valid survey."""
    n_grades = draw(st.integers(1, 4))
    grades = [f"G{i}" for i in range(1, n_grades + 1)]
    n_m = draw(st.integers(1, max_members))
    n_t = draw(st.integers(1, max_tasks))
    names = draw(st.lists(st.tuples(st.sampled_from(FAMILY), st.sampled_from(FAMILY),
                                    st.sampled_from(GIVEN), st.sampled_from(GIVEN)),
                          min_size=n_m, max_size=n_m, unique=True))
    member_ids = [f"M{i:02d}" for i in draw(st.permutations(range(1, n_m + 1)))]
    members = pd.DataFrame({
        "member_id": member_ids,
        "name": [f"{a}{b} {c}{d}" for a, b, c, d in names],
        "grade": draw(st.lists(st.sampled_from(grades), min_size=n_m, max_size=n_m)),
        "employment": draw(st.lists(st.sampled_from(["正社員", "契約社員", "派遣", "パート"]),
                                    min_size=n_m, max_size=n_m)),
        "team": ["総務課"] * n_m,
        "capacity_hours": [np.nan if c is None else float(c) for c in draw(
            st.lists(maybe(st.sampled_from([80, 120, 140, 160])), min_size=n_m, max_size=n_m))],
    })
    col = lambda values, n=n_t: draw(st.lists(values, min_size=n, max_size=n))  # noqa: E731
    tasks = pd.DataFrame({
        "task_id": [f"T{i:02d}" for i in range(1, n_t + 1)],
        "category": col(st.sampled_from(CATEGORIES)),
        "subcategory": col(maybe(st.sampled_from(["郵便", "設備", "契約"]))),
        "task": [f"業務{i}" for i in range(1, n_t + 1)],
        "purpose": col(maybe(st.sampled_from(PURPOSES))),
        "kind": col(st.sampled_from(schema.KIND)),
        "difficulty": col(st.integers(1, 5)),
        "remote": col(st.sampled_from(schema.POSSIBILITY)),
        "outsourcing": col(st.sampled_from(schema.POSSIBILITY)),
        "frequency": col(maybe(st.sampled_from(schema.FREQUENCY))),
        "manual": col(maybe(st.sampled_from(schema.MANUAL))),
        "note": col(maybe(st.just("備考あり"))),
    })
    pairs = draw(st.lists(st.tuples(st.integers(0, n_m - 1), st.integers(0, n_t - 1)),
                          min_size=1, max_size=n_m * n_t, unique=True))
    rows = []
    for m, t in pairs:
        role = draw(maybe(st.sampled_from(schema.ROLE)))
        form = draw(st.sampled_from(["hours", "times", "blank"] if role == "対応可" else ["hours", "times"]))
        hours = times = per = np.nan
        if form == "hours":
            hours = draw(st.integers(0, 400)) / 2  # 0 … 200 in half hours
        elif form == "times":
            times = float(draw(st.integers(0, 30)))
            per = draw(st.integers(1, 16)) / 4  # 0.25 … 4 hours
        rows.append({"member_id": member_ids[m], "task_id": f"T{t + 1:02d}", "hours": hours,
                     "times_per_month": times, "hours_per_time": per, "role": role})
    hours = pd.DataFrame(rows, columns=[c.alias for c in schema.HOURS.columns])
    return {"members": members, "tasks": tasks, "hours": hours, "grades": grades}


def client_of(survey: dict) -> gyomu.Client:
    return gyomu.make_client(survey["members"], survey["tasks"], survey["hours"],
                             grades=survey["grades"], client_id="prop", name="性質テスト株式会社")


def expected_total(survey: dict) -> float:
    h = survey["hours"]
    return float(h["hours"].fillna(h["times_per_month"] * h["hours_per_time"]).fillna(0.0).sum())


# ----------------------------------------------------------------------------- 1. KPIs in range


@SETTINGS
@given(surveys())
def test_every_share_kpi_is_between_0_and_1(survey):
    client = client_of(survey)
    values = kpis(client)
    shares = {k: v for k, v in values.items() if k.endswith("_share")}
    assert len(shares) >= 8
    for key, value in shares.items():
        assert 0.0 <= value <= 1.0 + 1e-12, (key, value)
    assert values["total_hours"] == pytest.approx(expected_total(survey))
    assert values["undocumented_dependent_share"] <= values["person_dependent_share"] + 1e-12
    assert values["max_utilization"] >= 0.0
    assert 0 <= values["overloaded_members"] <= len(survey["members"])


# ----------------------------------------------------------------------------- 2. hours add up


@SETTINGS
@given(surveys())
def test_hours_by_grade_member_and_category_sum_to_the_total(survey):
    client = client_of(survey)
    total = expected_total(survey)
    for table in (hours_by_grade(client), hours_by_member(client), hours_by_category(client)):
        assert table["hours"].sum() == pytest.approx(total, abs=1e-9)
        assert (table["hours"] >= 0).all()
        if total > 0:
            assert table["share"].sum() == pytest.approx(1.0)
        else:
            assert (table["share"] == 0).all()
    by_member = hours_by_member(client)
    assert sorted(by_member["member_id"]) == sorted(survey["members"]["member_id"])
    by_grade = hours_by_grade(client)
    assert list(by_grade.index[: len(survey["grades"])]) == survey["grades"]
    assert by_grade["n_members"].sum() == len(survey["members"])


# ----------------------------------------------------------------------------- 3. truck factor


@SETTINGS
@given(surveys())
def test_truck_factor_is_between_1_and_the_member_count(survey):
    client = client_of(survey)
    tf = truck_factor(client)
    if expected_total(survey) > 0:
        assert 1 <= tf <= len(survey["members"])
    else:
        assert tf == 0


# ----------------------------------------------------------------------------- 4. anonymisation


@SETTINGS
@given(surveys(), st.randoms(use_true_random=False))
def test_anonymisation_is_one_to_one_and_stable(survey, rnd):
    client = client_of(survey)
    anon = gyomu.anonymize(client)
    real = dict(zip(client.members["member_id"], client.members["name"], strict=True))
    alias = dict(zip(anon.members["member_id"], anon.members["name"], strict=True))
    assert set(alias) == set(real)
    assert len(set(alias.values())) == len(alias)  # one-to-one
    assert not set(alias.values()) & set(real.values())  # no real name left
    assert all(str(a).startswith("担当") for a in alias.values())
    again = dict(zip(*(gyomu.anonymize(client).members[c] for c in ("member_id", "name")), strict=True))
    assert again == alias  # stable between runs
    order = list(range(len(survey["members"])))
    rnd.shuffle(order)
    shuffled = client_of({**survey, "members": survey["members"].iloc[order].reset_index(drop=True)})
    moved = dict(zip(*(gyomu.anonymize(shuffled).members[c] for c in ("member_id", "name")), strict=True))
    assert moved == alias  # stable whatever the row order
    pd.testing.assert_frame_equal(anon.hours, client.hours)


# ----------------------------------------------------------------------------- 5. template round trip


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns that hold only blanks get the text dtype a read gives them."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object and out[name].isna().all():
            out[name] = out[name].astype("str")
    return out


@SLOW_SETTINGS
@given(surveys(max_members=5, max_tasks=5))
def test_workbook_written_from_the_template_loads_back_the_same(survey):
    client = client_of(survey)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "round-trip"
        folder.mkdir()
        write_survey(folder / "survey.xlsx", client.members, client.tasks, client.hours,
                     grades=survey["grades"])
        (folder / "client.yml").write_text(yaml.safe_dump(
            {"name": "性質テスト株式会社", "grades": survey["grades"], "capacity_hours": 160},
            allow_unicode=True), encoding="utf-8")
        loaded = gyomu.load_client(folder)
    for name in ("members", "tasks", "hours"):
        pd.testing.assert_frame_equal(getattr(loaded, name), _comparable(getattr(client, name)),
                                      obj=name)


@SLOW_SETTINGS
@given(surveys(max_members=5, max_tasks=5), st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
def test_csv_folder_loads_back_the_same_in_every_accepted_encoding(survey, encoding):
    client = client_of(survey)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_client_folder(client, Path(tmp) / "csv-round-trip", "csv", encoding=encoding)
        loaded = gyomu.load_client(folder)
    for name in ("members", "tasks", "hours"):
        pd.testing.assert_frame_equal(getattr(loaded, name), _comparable(getattr(client, name)),
                                      obj=name)


# ----------------------------------------------------------------------------- order independence


@SETTINGS
@given(surveys(), st.randoms(use_true_random=False))
def test_kpis_do_not_depend_on_row_order(survey, rnd):
    client = client_of(survey)
    shuffled = {}
    for name in ("members", "tasks", "hours"):
        order = list(range(len(survey[name])))
        rnd.shuffle(order)
        shuffled[name] = survey[name].iloc[order].reset_index(drop=True)
    other = client_of({**survey, **shuffled})
    a, b = kpis(client), kpis(other)
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == pytest.approx(b[key], abs=1e-9), key
    pd.testing.assert_frame_equal(hours_by_grade(client), hours_by_grade(other))


# ----------------------------------------------------------------------------- simulate


@SETTINGS
@given(surveys())
def test_simulate_without_measures_changes_nothing(survey):
    client = client_of(survey)
    before = {name: getattr(client, name).copy() for name in ("members", "tasks", "hours")}
    for future in (simulate(client, []), simulate(client, measures=[])):
        for name, frame in before.items():
            pd.testing.assert_frame_equal(getattr(future, name), frame, obj=name)
        assert kpis(future) == kpis(client)
    for name, frame in before.items():  # and the client itself is untouched
        pd.testing.assert_frame_equal(getattr(client, name), frame, obj=name)


@SETTINGS
@given(surveys(), st.sampled_from([a for a in schema.ACTIONS if a != "集約"]),
       st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.data())
def test_a_measure_never_adds_hours_and_removing_nothing_changes_nothing(survey, action, reduction, data):
    client = client_of(survey)
    task_ids = list(survey["tasks"]["task_id"])
    chosen = data.draw(st.lists(st.sampled_from(task_ids), min_size=1, unique=True))
    future = simulate(client, [Measure(name="施策", action=action, reduction=reduction, tasks=chosen)])
    before = client.hours["hours"].to_numpy(dtype=float)
    after = future.hours["hours"].to_numpy(dtype=float)
    assert len(after) == len(before)
    assert (after >= 0).all() and (after <= before + 1e-9).all()
    removed = before[client.hours["task_id"].isin(chosen).to_numpy()].sum() * reduction
    assert before.sum() - after.sum() == pytest.approx(removed, abs=1e-6)
    if math.isclose(reduction, 0.0):
        np.testing.assert_allclose(after, before)
    for key, value in kpis(future).items():
        if key.endswith("_share"):
            assert 0.0 <= value <= 1.0 + 1e-12, (key, value)


# ----------------------------------------------------------------------------- notebook sentences


@st.composite
def visions(draw, task_ids: list[str], categories: list[str]) -> Vision:
    """A vision.yml: some KPI targets, one maturity row and one or two measures."""
    keys = draw(st.lists(st.sampled_from([k for k in schema.KPI_KEYS if k.endswith("_share")]),
                         max_size=4, unique=True))
    targets = {k: Target(kpi=k, target=draw(st.integers(0, 10)) / 10, direction=schema.kpi_direction(k))
               for k in keys}
    measures = []
    for i in range(draw(st.integers(1, 2))):
        by_category = draw(st.booleans())
        measures.append(Measure(
            name=f"施策{i + 1}", action=draw(st.sampled_from(schema.ACTIONS)),
            reduction=draw(st.sampled_from([0.0, 0.3, 1.0])),
            tasks=None if by_category else draw(st.lists(st.sampled_from(task_ids), min_size=1, unique=True)),
            category=draw(st.sampled_from(categories)) if by_category else None,
            start=pd.Period("2027-01", "M"), end=pd.Period("2027-03", "M"), owner="総務課長"))
    maturity = pd.DataFrame({"dimension": ["業務標準化"], "current": [2], "target": [4]}).astype(
        {"current": "Int64", "target": "Int64"})
    return Vision(targets=targets, maturity=maturity, measures=measures)


@settings(SLOW_SETTINGS, phases=[Phase.explicit, Phase.generate])  # shrinking here takes minutes
@given(surveys(), st.booleans(), st.data())
def test_every_table_and_sentence_of_the_notebooks_can_be_written(survey, all_zero, data):
    """What notebooks 02 and 03 compute (tables and interpretation sentences) never fails on a
    valid survey, including one whose hours are all 0 (drawn half of the time)."""
    if all_zero:
        hours = survey["hours"].copy()
        hours["hours"] = hours["hours"].where(hours["hours"].isna(), 0.0)
        hours["times_per_month"] = hours["times_per_month"].where(hours["times_per_month"].isna(), 0.0)
        survey = {**survey, "hours": hours}
    from gyomu import consolidation, gap, kpi, roadmap, waves
    from gyomu import workload as w
    from gyomu.simulation import (
        effects_summary,
        effects_table,
        freed_by_member,
        hours_freed,
        kpi_comparison,
        measure_effects,
        run_measures,
        strategic_potential,
    )

    plain = client_of(survey)
    vision = data.draw(visions(list(survey["tasks"]["task_id"]), sorted(set(survey["tasks"]["category"]))))
    client = dataclasses.replace(plain, vision=vision)
    sentences = []
    tables = w.all_tables(client)
    values = kpis(client)
    sentences += [
        kpi.describe_kpis(values, n_members=len(client.members)),
        w.describe_hours_by_grade(tables["hours_by_grade"]),
        w.describe_mix(tables["hours_by_category"], tables["hours_by_purpose"], tables["hours_by_kind"]),
        w.describe_utilization(tables["utilization"]),
        w.describe_pareto(tables["pareto"]),
        w.describe_spread(tables["task_spread"]),
        w.describe_person_dependency(tables["person_dependent_tasks"], values["total_hours"]),
        w.describe_resignation_risk(tables["resignation_risk"]),
        kpi.describe_truck_factor(kpi.truck_factor_order(client)),
        w.describe_delegation(tables["delegation"]),
        w.describe_potential(tables["potential_by_category"]),
    ]
    assessment = consolidation.assess_consolidation(client)
    consolidation.consolidation_scenarios(assessment)
    sentences.append(consolidation.describe_consolidation(assessment))
    gaps = gap.gap_table(client)
    gap.kpi_display(gaps)
    if len(gaps):
        sentences.append(gap.gap_summary(gaps))
    gap.maturity_gaps(client)
    steps = run_measures(client, vision.measures)
    future = steps[-1].client if steps else client
    freed = hours_freed(client, steps=steps)
    comparison = kpi_comparison(client, future)
    sentences.append(effects_summary(freed, comparison))
    effects_table(measure_effects(client, steps=steps), formatted=True)
    freed_by_member(client, future)
    strategic_potential(client, future)
    plan = roadmap.roadmap_table(vision.measures, freed=freed if len(freed) else None)
    sentences += [roadmap.roadmap_summary(plan), waves.wave_summary(client)]
    for text in sentences:
        assert isinstance(text, str) and JAPANESE.search(text), text
        assert "nan" not in text.lower() and "inf" not in text.lower(), text


SENTENCES = ["目の前の業務に追われていて、改善に手が回りません。", "設備点検の段取りは担当者しか知りません。",
             "特に困っていることはありません。", "残業が続いていて時間がないです。", "マニュアルがなく属人化しています。",
             "総務には経営の相談相手になってほしい。", "はい。", "請求書の処理が月末に集中します。"]
ROLES = ["経営", "組織長", "総務メンバー", "他部署"]


@st.composite
def interview_files(draw) -> dict[str, str]:
    """0-4 interview transcripts (file name -> text), with or without front matter and turns."""
    files = {}
    for i in range(draw(st.integers(0, 4))):
        lines = []
        if draw(st.booleans()):
            lines += ["---", f"id: I{i + 1:02d}", f"respondent: 回答者{i + 1}",
                      f"role: {draw(st.sampled_from(ROLES))}", "date: 2026-10-01", "---"]
        turns = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5))
        if draw(st.booleans()):
            for n, text in enumerate(turns):
                lines.append(f"{'Q' if n % 2 == 0 else 'A'}: {text}")
        else:
            lines += [x for text in turns for x in (text, "")]
        files[f"I{i + 1:02d}.md"] = "\n".join(lines) + "\n"
    return files


@SLOW_SETTINGS
@given(surveys(max_members=3, max_tasks=3), interview_files())
def test_every_table_and_sentence_of_the_interview_notebook_can_be_written(survey, files):
    """What notebook 01 computes from interviews never fails: none, without turns, without hits."""
    from gyomu import interview_analysis as ia
    from gyomu.codebook import default_codebook
    from gyomu.interviews import read_interviews

    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        interviews, segments, problems = read_interviews(Path(tmp))
    assert not [p for p in problems if p.level == "error"], problems
    client = dataclasses.replace(client_of(survey), interviews=interviews, segments=segments,
                                 codebook=default_codebook())
    auto = gyomu.autocode(client)
    coded = ia.coded_segments(client, auto=auto)
    codes = list(client.codebook["code"])
    people = ia.interviewees(client)
    freq = ia.code_frequency_by_role(coded, codes=codes)
    ia.code_frequency_by_role(coded, unit="interviewees", codes=codes)
    co = ia.cooccurrence(coded, codes)
    issues = ia.issue_list(client, coded)
    ia.quotes(coded, n=2)
    profiles = ia.interviewee_profiles(coded, client)
    sentences = [ia.describe_interviewees(people), ia.describe_frequency(freq), ia.describe_cooccurrence(co),
                 ia.describe_issues(issues, len(client.interviews)), ia.describe_profiles(profiles, client)]
    assert len(people) == len(files)
    for text in sentences:
        assert isinstance(text, str) and JAPANESE.search(text), text
        assert "nan" not in text.lower(), text


def test_the_properties_are_counted():
    tests = [name for name in globals() if name.startswith("test_") and name != "test_the_properties_are_counted"]
    assert len(tests) == PROPERTIES
    print(f"\n性質 {PROPERTIES} 件を hypothesis で検査")
