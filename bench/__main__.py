"""`python -m bench <scenario> [options]` (or `bench/run <scenario> ...`): one row per command.

Scenarios: plenary (1), breakouts (2), join-storm (3), vote-storm (4), memory (5),
attendance (6), registrations (7), certificates (8), two-nodes (9), startup. Those with a
module of their own take that module's options (`bench/run certificates -h`). `--smoke`
shrinks any scenario to a size the test suite runs (fan-out: 50 listeners, 5 msg/s, 3 s, B
and whatever --targets names; vote-storm: 50 voters on 3 questions in 3 s; registrations:
30; certificates: 20 people; one repetition): no timing, only "nothing lost".
"""

from __future__ import annotations

import argparse
import importlib
import os
import shlex
import sys


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def _keys(text: str) -> list[str]:
    keys = [k.strip().upper() for k in text.split(",") if k.strip()]
    unknown = set(keys) - {"B", "N", "P"}
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown target(s) {sorted(unknown)}; use B, N, P")
    return keys


# Scenarios run by a module of their own, with its own options.
MODULES = {"startup": "bench.startup", "attendance": "bench.attendance",
           "certificates": "bench.certificates"}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ["BENCH_COMMAND"] = f"bench/run {shlex.join(argv)}"  # recorded with the figures
    if argv and argv[0] in MODULES:
        module = importlib.import_module(MODULES[argv[0]])
        sys.argv = [MODULES[argv[0]], *argv[1:]]
        module.main()
        return
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["plenary", "breakouts", "two-nodes", "join-storm",
                                             "vote-storm", "memory", "registrations",
                                             *MODULES])  # fmt: skip
    parser.add_argument("--targets", type=_keys, default=None, help="B,N,P")
    parser.add_argument("--listeners", type=_ints, default=None)
    parser.add_argument("--rooms", type=int, default=None)
    parser.add_argument("--rates", type=_floats, default=None, help="msg/s per room")
    parser.add_argument("--senders", type=int, default=None, help="senders per room")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="publishing seconds")
    parser.add_argument("--attendees", type=int, default=None,
                        help="join-storm / memory; vote-storm: voters")  # fmt: skip
    parser.add_argument("--window", type=float, default=None,
                        help="join-storm (10) / vote-storm (20): seconds")  # fmt: skip
    parser.add_argument("--questions", type=int, default=20, help="vote-storm")
    parser.add_argument("--share", type=float, default=0.1,
                        help="vote-storm: share of the questions each voter votes on")  # fmt: skip
    parser.add_argument("--deflate", choices=["both", "on", "off"], default="both",
                        help="memory: offer permessage-deflate as browsers do")  # fmt: skip
    parser.add_argument("--refuse-deflate", action="store_true",
                        help="memory: B declines the deflate offer (WSGI middleware)")  # fmt: skip
    parser.add_argument("--ramp", type=int, default=250,
                        help="memory / vote-storm: connections (and joins) per second")  # fmt: skip
    parser.add_argument("--offer-deflate", action="store_true",
                        help="fan-out: clients offer permessage-deflate")  # fmt: skip
    parser.add_argument("--smoke", action="store_true")
    group = parser.add_argument_group("registrations")
    group.add_argument("--count", type=int, default=None, help="registrations (3000)")
    group.add_argument("--smtp-latency", type=float, default=0.2, help="seconds per message")
    group.add_argument("--mail-concurrency", type=int, default=50,
                       help="plenary mailer greenlets; 0: plenary worker sends too")  # fmt: skip
    group.add_argument("--workers", type=int, default=2, help="prefork worker processes")
    group.add_argument("--connections", type=int, default=20, help="HTTP keep-alive clients")
    args = parser.parse_args(argv)
    if args.scenario == "registrations":
        from bench.registrations import run

        run(args)
    elif args.scenario in ("plenary", "breakouts", "two-nodes"):
        fanout_scenario(args)
    elif args.scenario == "join-storm":
        from bench.storm import join_storm

        join_storm(args.targets or ["B", "N"], args.attendees or 3000, args.window or 10.0,
                   args.reps)  # fmt: skip
    elif args.scenario == "vote-storm":
        vote_scenario(args)
    else:
        from bench.storm import memory

        deflate = {"both": [False, True], "on": [True], "off": [False]}[args.deflate]
        memory(args.targets or ["B", "N"], args.attendees or 5000, deflate, args.reps,
               refuse_deflate=args.refuse_deflate, ramp=args.ramp)  # fmt: skip


def vote_scenario(args: argparse.Namespace) -> None:
    from bench.votes import vote_storm

    cfg = {"voters": args.attendees or 1000, "questions": args.questions, "share": args.share,
           "window": args.window or 20.0, "ramp": args.ramp}  # fmt: skip
    keys, reps, name = args.targets or ["P", "B"], args.reps, "vote-storm"
    if args.smoke:
        cfg.update(voters=50, questions=3, share=1.0, window=3.0)
        reps, name = 1, "vote-storm-smoke"
    vote_storm(keys, cfg, reps, name)


def fanout_scenario(args: argparse.Namespace) -> None:
    from bench.fanout import configs, run

    name = args.scenario
    defaults = {
        "plenary": (1, [1000, 3000], [5, 20, 50], ["B", "N"], [1]),
        "breakouts": (50, [40], [2], ["B", "N"], [1]),
        "two-nodes": (1, [1000], [20], ["B"], [1, 2]),
    }[name]
    rooms, listeners, rates, keys, nodes = defaults
    rooms = args.rooms or rooms
    listeners, rates = args.listeners or listeners, args.rates or rates
    keys, reps, duration = args.targets or keys, args.reps, args.duration
    if args.smoke:
        rooms = 1 if name != "breakouts" else min(rooms, 5)
        listeners, rates = [50] if name != "breakouts" else [10], [5]
        keys = args.targets or ["B"]
        reps, duration = 1, 3.0
        name = f"{name}-smoke"
    elif name == "plenary" and args.listeners:  # one results file per room size
        name = f"plenary-{'-'.join(str(n) for n in listeners)}"
    if args.offer_deflate:
        name = f"{name}-deflate"
    run(name, keys, configs(rooms, listeners, rates, args.senders), nodes, reps, duration,
        smoke=args.smoke, deflate=args.offer_deflate)  # fmt: skip


if __name__ == "__main__":
    main()
