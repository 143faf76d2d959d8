"""The benchmark code itself: the table, the verdicts, the spec scaler, the parsers.

No timing is asserted here: figures are measured by ``nox -s bench``, side
by side, on the machine at hand (benchmarks/README.md).
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import loadgen, profiling, report, runtime, scaling, specs  # noqa: E402
from benchmarks.common import Sample, interleaved, summary  # noqa: E402
from benchmarks.generation import breakdown_table, merge_breakdowns  # noqa: E402
from generator.spec import build_spec  # noqa: E402

# -- ratios and verdicts ---------------------------------------------------------


def test_ratio_is_none_without_a_usable_denominator():
    assert report.ratio(3.0, 2.0) == 1.5
    assert report.ratio(None, 2.0) is None
    assert report.ratio(3.0, None) is None
    assert report.ratio(3.0, 0.0) is None
    assert report.ratio(3.0, -1.0) is None


def test_below_is_strict_and_at_most_is_not():
    assert report.below(0.59, 0.6) is True
    assert report.below(0.6, 0.6) is False
    assert report.at_most(1.15, 1.15) is True
    assert report.at_most(1.16, 1.15) is False


def test_a_missing_or_nan_value_has_no_verdict():
    assert report.below(None, 0.6) is None
    assert report.at_most(float("nan"), 1.15) is None


# -- the table -------------------------------------------------------------------


def _rows():
    return [
        report.Row("generation", "authgen generate", 0.72, "s", "< 0.6 s", False, "CPU 0.5 s"),
        report.Row("generation", "authgen / floor", 1.1, "x", "< 1.3×", True),
        report.Row("runtime spring", "not available", None, "", note="toolchain missing: mvn"),
        report.Row("runtime flask", "service calls", 0.0, "calls", "0 within the TTL", True),
    ]


def test_the_table_has_a_line_per_row_with_value_target_and_verdict():
    lines = report.format_table(_rows()).splitlines()
    assert lines[0] == "| benchmark | measured | target | met | note |"
    assert len(lines) == 2 + 4
    assert "| generation: authgen generate | 0.720 s | < 0.6 s | NOT MET | CPU 0.5 s |" == lines[2]
    assert "| 1.10× | < 1.3× | met |" in lines[3]
    assert "| runtime spring: not available | — |  |  | toolchain missing: mvn |" == lines[4]
    assert "| 0 | 0 within the TTL | met |" in lines[5]


def test_the_table_has_no_note_column_when_no_row_has_a_note():
    rows = [report.Row("check", "authgen check", 0.2, "s", "< 0.5 s", True)]
    assert report.format_table(rows).splitlines()[0] == "| benchmark | measured | target | met |"


def test_pipes_in_cells_do_not_break_the_table():
    rows = [report.Row("x", "a | b", 1.0, "s", note="c | d")]
    line = report.format_table(rows).splitlines()[2]
    assert line.count(" | ") == 4
    assert "a \\| b" in line and "c \\| d" in line


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.1234, "s", "0.123 s"),
        (1.5, "ms", "1.50 ms"),
        (1.234, "x", "1.23×"),
        (12345.6, "req/s", "12,346 req/s"),
        (0.0, "calls", "0"),
        (1.04, "k", "k = 1.04"),
        (None, "s", "—"),
    ],
)
def test_values_are_formatted_by_unit(value, unit, text):
    assert report.format_value(value, unit) == text


def test_the_summary_counts_met_targets_and_unmeasured_ones():
    rows = _rows() + [report.Row("check", "authgen check", None, "s", "< 0.5 s", None, "failed")]
    assert report.summary_line(rows) == "2 of 3 targets met, 1 not measured"


def test_rows_serialise_to_plain_data():
    assert report.Row("a", "b", 1.0, "s", "t", True, "n").to_json() == {
        "section": "a",
        "name": "b",
        "value": 1.0,
        "unit": "s",
        "target": "t",
        "met": True,
        "note": "n",
    }


# -- growth ------------------------------------------------------------------------


def test_linear_growth_above_a_fixed_cost_fits_an_exponent_of_one():
    sizes = [10, 100, 1000]
    times = [0.5 + 0.001 * n for n in sizes]
    fit = report.growth(sizes, times)
    assert fit.exponent == pytest.approx(1.0)
    assert not fit.superlinear
    assert fit.per_item == pytest.approx(0.001)
    assert fit.per_step[0] == pytest.approx(0.6 / 0.51)


def test_quadratic_growth_is_flagged():
    sizes = [10, 100, 1000]
    times = [0.5 + 1e-5 * n * n for n in sizes]
    fit = report.growth(sizes, times)
    assert fit.exponent == pytest.approx(2.0, abs=0.1)
    assert fit.superlinear
    assert "super-linear" in fit.describe()


def test_growth_within_noise_gives_no_exponent():
    fit = report.growth([1, 5, 20], [0.500, 0.505, 0.510])
    assert fit.exponent is None
    assert fit.per_item is None
    assert not fit.superlinear
    assert "no fit" in fit.describe()


def test_growth_rejects_sizes_that_do_not_increase():
    with pytest.raises(ValueError):
        report.growth([10, 10, 100], [1, 2, 3])
    with pytest.raises(ValueError):
        report.growth([10], [1])


# -- the spec scaler -----------------------------------------------------------------


@pytest.mark.parametrize(("fields", "steps"), [(10, 1), (100, 5), (40, 20)])
def test_scaled_specs_validate_and_have_the_size_asked_for(fields, steps):
    data = specs.scaled_spec(fields, steps)
    spec = build_spec(data, "scaled")  # raises SpecError on any problem
    assert len(spec.user) == fields
    for name, operation in spec.operations.items():
        assert len(operation.steps) == steps, name


def test_scaled_specs_keep_the_base_spec_and_add_every_type():
    base = specs.load_acme()
    data = specs.scaled_spec(30, 1)
    for name, field in base["user"].items():
        assert data["user"][name] == field
    added = {f["type"] for n, f in data["user"].items() if n not in base["user"]}
    assert added == set(specs._EXTRA_TYPES)
    assert data["operations"] == base["operations"]


def test_scaled_steps_chain_each_step_to_the_one_before():
    steps = specs.scaled_spec(10, 3)["operations"]["login"]["steps"]
    assert steps[0]["path"] == "/v1/sessions"
    assert steps[0]["extract"] == {"hop": "/hop"}
    assert "${steps.1.hop}" in steps[1]["path"]
    assert steps[-1]["extract"] == {
        "token": "/token",
        "refresh_token": "/refresh_token",
        "expires_in": "/expires_in",
        "user_id": "/user/id",
    }


def test_scaling_does_not_change_the_base_spec_data():
    base = specs.load_acme()
    specs.scaled_spec(50, 5, base)
    assert base == specs.load_acme()


def test_the_scaler_refuses_sizes_below_the_base():
    with pytest.raises(ValueError):
        specs.scaled_spec(3, 1)
    with pytest.raises(ValueError):
        specs.scaled_spec(10, 0)


def test_toml_round_trips():
    data = {
        "schema": 1,
        "flag": True,
        "ratio": 0.5,
        "table": {
            "text": 'quote " backslash \\ ${x} é\nnewline',
            "list": [1, "a", {"k": "v"}],
            "inline": {"401": "x", "/code": 7, "X-Header": "y", "empty": {}},
        },
    }
    assert tomllib.loads(specs.dumps_toml(data)) == data


def test_a_written_scaled_spec_loads_as_toml(tmp_path):
    path = specs.write_spec(tmp_path / "spec.toml", 20, 2)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == specs.scaled_spec(20, 2)


# -- timing helpers (no clocks) -----------------------------------------------------


def test_interleaved_rotates_the_order_and_drops_warm_ups():
    calls = []

    def runner(name):
        def run(round_):
            calls.append((round_, name))
            return Sample(1.0, 0.5)

        return run

    samples = interleaved({"a": runner("a"), "b": runner("b"), "c": runner("c")}, 2, warmup=1)
    assert [len(s) for s in samples.values()] == [2, 2, 2]
    assert calls[:3] == [(-1, "c"), (-1, "a"), (-1, "b")]
    assert calls[3:6] == [(0, "a"), (0, "b"), (0, "c")]
    assert calls[6:] == [(1, "b"), (1, "c"), (1, "a")]


def test_summary_takes_medians():
    stats = summary([Sample(1.0, 0.1), Sample(3.0, 0.3), Sample(2.0, 0.2)])
    assert stats == {"n": 3, "wall_median": 2.0, "wall_min": 1.0, "wall_max": 3.0, "cpu_median": 0.2}


def test_breakdowns_merge_by_median_and_print_largest_first():
    runs = [
        {"import_authgen": 0.2, "phases": {"spec": 0.01, "render": 0.5}},
        {"import_authgen": 0.4, "phases": {"spec": 0.03, "render": 0.7}},
    ]
    for r in runs:
        r.update(generate=1.0, process_wall=1.5, process_cpu=1.2)
    merged = merge_breakdowns(runs, 0.05)
    assert merged["phases_s"]["import authgen (generator.cli, generator.render)"] == pytest.approx(0.3)
    assert merged["phases_s"]["render"] == pytest.approx(0.6)
    lines = breakdown_table(merged).splitlines()
    assert lines[2].startswith("| render | 0.600 |")


def _size(generate_cpu, spec_cpu, wall=1.0):
    return {
        "generate_cpu": generate_cpu,
        "process_wall": wall,
        "phases_cpu": {"spec": spec_cpu, "render": 0.1},
    }


def test_scaling_keeps_the_fastest_warm_run():
    runs = [
        {"generate": 0.3, "generate_cpu": 0.25, "phases_cpu": {"spec": 0.02, "swap": None}},
        {"generate": 0.2, "generate_cpu": 0.21, "phases_cpu": {"spec": 0.03, "swap": None}},
    ]
    best = scaling.minimum(runs)
    assert best["generate_cpu"] == 0.21 and best["generate"] == 0.2
    assert best["generate_cpu_spread"] == pytest.approx(0.04)
    assert best["phases_cpu"] == {"spec": 0.02, "swap": 0.0}


LINEAR_FRONT = {10: 0.01, 100: 0.1, 1000: 1.0, 3000: 3.0}


def test_a_scaling_axis_is_judged_on_the_generate_call_and_the_front_end():
    results = [_size(0.2, 0.01), _size(0.3, 0.02), _size(1.2, 0.11)]
    row, info = scaling.judge("user fields", [10, 100, 1000], results, "flask", LINEAR_FRONT)
    assert info["exponents"]["the generate call"] == pytest.approx(math.log(10) / math.log(11))
    assert info["exponents"]["the front end"] == pytest.approx(1.0, abs=0.01)
    assert row.value == pytest.approx(1.0, abs=0.01) and row.met is True


def test_a_front_end_growing_faster_than_the_spec_fails_the_axis():
    results = [_size(0.200, 0.004), _size(0.201, 0.010), _size(0.205, 0.300)]
    quadratic = {n: 0.001 + 1e-4 * n * n for n in (1, 5, 20, 100)}
    row, info = scaling.judge("steps per operation", [1, 5, 20], results, "flask", quadratic)
    assert info["exponents"]["the generate call"] is None  # 5 ms of growth: within noise
    assert row.value == pytest.approx(2.0, abs=0.1) and row.met is False


def test_a_scaling_axis_takes_the_spread_of_its_smallest_spec_as_noise():
    results = [{**_size(0.200, 0.004), "generate_cpu_spread": 0.06}, _size(0.250, 0.010), _size(0.300, 0.300)]
    _, info = scaling.judge("steps per operation", [1, 5, 20], results, "flask")
    assert info["exponents"]["the generate call"] is None  # 50 ms of growth is within 60 ms of spread


def test_a_scaling_axis_with_nothing_growing_has_no_verdict():
    results = [_size(0.200, 0.004), _size(0.201, 0.004), _size(0.202, 0.005)]
    row, _ = scaling.judge("steps per operation", [1, 5, 20], results, "flask", {1: 0.01, 5: 0.011, 20: 0.012})
    assert row.value is None and row.met is None


def test_loglog_slopes_fit_the_power_of_the_marginal_cost():
    sizes = [10, 100, 1000, 3000]
    assert report.loglog_slope(sizes, [0.5 + 1e-4 * (n - 10) for n in sizes]) == pytest.approx(1.0)
    assert report.loglog_slope(sizes, [0.5 + 1e-7 * (n - 10) ** 2 for n in sizes]) == pytest.approx(2.0)
    assert report.loglog_slope(sizes, [0.5, 0.5, 0.5, 0.6]) is None  # one point above the noise
    with pytest.raises(ValueError):
        report.loglog_slope([1, 2], [1, 2])


# -- load generator output ------------------------------------------------------------

WRK_REPORT = """Running 2s test @ http://127.0.0.1:8000/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.20ms  30.00ms   90.00%
    Req/Sec     1.90k   100.00     2.00k    80.00%
  Latency Distribution
     50%  850.00us
     75%    2.00ms
     90%    3.00ms
     99%    1.20s
  3800 requests in 2.00s, 1.00MB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:   1900.00
Transfer/sec:    512.00KB
"""


def test_wrk_reports_are_read_with_their_units():
    result = loadgen.parse_wrk(WRK_REPORT)
    assert result.requests == 3800
    assert result.seconds == pytest.approx(2.0)
    assert result.rps == pytest.approx(1900.0)
    assert result.p50_ms == pytest.approx(0.85)
    assert result.p99_ms == pytest.approx(1200.0)
    assert result.non_2xx == 3
    assert result.errors == 3


def test_a_wrk_report_without_figures_is_an_error():
    with pytest.raises(ValueError):
        loadgen.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert loadgen.percentile(values, 50) == 50.0
    assert loadgen.percentile(values, 99) == 99.0
    assert loadgen.percentile([7.0], 99) == 7.0
    assert math.isnan(loadgen.percentile([], 50))


def test_rounds_combine_into_totals_and_median_percentiles():
    rounds = [
        loadgen.LoadResult("wrk", 100, 1.0, 100.0, 1.0, 5.0),
        loadgen.LoadResult("wrk", 300, 1.0, 300.0, 3.0, 9.0, non_2xx=1),
        loadgen.LoadResult("wrk", 200, 2.0, 100.0, 2.0, 7.0),
    ]
    combined = loadgen.combine(rounds)
    assert combined["requests"] == 600
    assert combined["rps"] == pytest.approx(150.0)
    assert combined["p50_ms"] == 2.0
    assert combined["p99_ms"] == 7.0
    assert combined["non_2xx"] == 1


# -- runtime verdicts ---------------------------------------------------------------


def _outcome(ratios, calls=0):
    figures = {"rps": 1000.0, "p50_ms": 2.0, "p99_ms": 10.0, "requests": 1000, "non_2xx": 0, "errors": 0}
    protected = {**figures, "p50_ms": 2.0 * ratios[0], "cpu_ms_per_request": 1.2}
    return runtime.Outcome(
        "flask",
        True,
        server="gunicorn",
        unprotected_route="/auth/csrf",
        unprotected={**figures, "cpu_ms_per_request": 1.0},
        protected=protected,
        service_calls=calls,
        calls_by_operation={"login": 0, "get_user": calls},
        paired_p50_ratios=ratios,
    )


def test_the_latency_verdict_uses_the_median_of_paired_rounds():
    rows = runtime.outcome_rows(_outcome([1.0, 1.1, 1.5]))
    verdict = next(r for r in rows if "protected / unprotected" in r.name)
    assert verdict.value == pytest.approx(1.1)
    assert verdict.met is True
    assert "server CPU per request 1.20×" in verdict.note
    rows = runtime.outcome_rows(_outcome([1.2, 1.3, 1.1]))
    assert next(r for r in rows if "protected / unprotected" in r.name).met is False


def test_any_service_call_within_the_ttl_fails_the_cache_row():
    calls = next(r for r in runtime.outcome_rows(_outcome([1.0], calls=0)) if r.unit == "calls")
    assert calls.met is True and calls.value == 0
    calls = next(r for r in runtime.outcome_rows(_outcome([1.0], calls=2)) if r.unit == "calls")
    assert calls.met is False and "get_user 2" in calls.note


def test_an_unavailable_target_is_one_row_with_its_reason():
    rows = runtime.outcome_rows(runtime.Outcome("aspnetcore", False, "toolchain missing: dotnet"))
    assert len(rows) == 1
    assert rows[0].value is None and rows[0].met is None
    assert rows[0].note == "toolchain missing: dotnet"


def test_proc_stat_lines_are_read_past_the_command_name():
    line = "1234 (gunicorn: worker (app)) S 1 1200 1200 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 5 0\n"
    assert runtime.parse_stat(line) == (1200, 250, 30)
    assert runtime.parse_stat("garbage") is None


# -- profiles --------------------------------------------------------------------------


def test_profiled_functions_are_put_in_areas():
    site = "/usr/lib/python3.11/site-packages"
    assert profiling.area("~", "<built-in method builtins.compile>") == "Jinja: compiling templates to Python"
    assert profiling.area("~", "<method 'poll' of 'select.poll' objects>") == "subprocesses (ruff), waiting"
    assert profiling.area(f"{site}/jinja2/lexer.py", "tokeniter") == "Jinja: compiling templates to Python"
    assert profiling.area(f"{site}/jinja2/runtime.py", "call") == "Jinja: runtime"
    assert profiling.area(f"{site}/binaryornot/helpers.py", "x").startswith("cookiecutter: binary")
    assert profiling.area("/x/generator/emit/python.py", "string") == "authgen: emit.python"
    assert profiling.area("/x/templates/flask/a.py", "root", "/x/templates") == "Jinja: running template code"


def test_importtime_lines_are_parsed_with_their_depth():
    text = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       100 |        100 |     jinja2.utils\n"
        "import time:      2000 |       5000 |   jinja2\n"
        "import time:      1000 |       9000 | generator.render\n"
        "something else\n"
    )
    entries = profiling.parse_importtime(text)
    assert [(e.module, e.depth) for e in entries] == [("jinja2.utils", 2), ("jinja2", 1), ("generator.render", 0)]
    assert entries[2].cumulative_s == pytest.approx(0.009)
    top = profiling.heaviest_imports(entries, top=2, max_depth=1)
    assert [e["module"] for e in top] == ["generator.render", "jinja2"]


def test_the_breakdown_times_functions_the_renderer_has():
    """A phase whose function was renamed would silently read as null in every run."""
    import generator.render as render
    from benchmarks.breakdown import BACKGROUND, CHECK_WRAPPED, WRAPPED, _owner
    from generator import manifest

    for _phase, name in (*WRAPPED, *BACKGROUND):
        owner, attr = _owner(render, name)
        assert callable(getattr(owner, attr)), name
    for _phase, name in CHECK_WRAPPED:
        assert callable(getattr(manifest, name)), name


def test_a_background_phase_is_shown_apart_from_the_sum():
    merged = merge_breakdowns(
        [
            {
                "import_authgen": 0.1,
                "phases": {"render": 0.3, "ruff (in the background)": 0.2},
                "generate": 0.4,
                "process_wall": 0.6,
                "process_cpu": 0.5,
            }
        ],
        None,
    )
    lines = breakdown_table(merged).splitlines()
    assert "| total (sum of phases) | 0.400 | |" in lines
    assert lines[-1] == "| ruff (in the background): beside the phases above, not in their sum | 0.200 | |"
