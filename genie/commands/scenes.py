"""``genie scenes``: list, run, create and delete the running hub's scenes."""

from __future__ import annotations

import argparse
from typing import Any

from genie.commands.common import EXIT_OK, home_id_arg, hub_call_args, json_text, print_result, text, url
from hub.language import LANGUAGES


def register(sub: Any) -> None:
    """Add ``genie scenes list|run|add|delete``."""
    scenes = sub.add_parser("scenes", help="list, run, create and delete scenes",
                            description="Scenes of the running hub: those of the home file and those made by "
                                        "voice or here (docs/scenes.md).")
    ssub = scenes.add_subparsers(dest="scenes_command", metavar="ACTION", required=True)
    slist = ssub.add_parser("list", help="list every scene", description="List the hub's scenes and routines.")
    srun = ssub.add_parser("run", help="run a scene", description="Run a scene (by id or any of its names).")
    srun.add_argument("scene", help="scene id or name, e.g. good-night or 晚安")
    sadd = ssub.add_parser("add", help="create or replace a scene from spoken orders",
                           description="Create (or replace) a scene; ORDERS are said as to the speaker and "
                                       "resolved to devices now.",
                           epilog='Example: genie scenes add 阅读模式 "打开台灯，关上客厅窗帘"')
    sadd.add_argument("name", help="the scene's name (what you will say to run it)")
    sadd.add_argument("orders", help='what it does, e.g. "turn on the desk lamp and close the curtains"')
    sdel = ssub.add_parser("delete", help="delete a scene made by voice or `scenes add`",
                           description="Delete a scene made by voice or `genie scenes add` (home-file scenes are "
                                       "changed in the home file).")
    sdel.add_argument("scene", help="scene id or name")
    for parser in (slist, srun, sadd, sdel):
        hub_call_args(parser)
        home_id_arg(parser)
        parser.set_defaults(handler=cmd_scenes)
    for parser in (srun, sadd, sdel):
        parser.add_argument("--lang", choices=LANGUAGES, help="language of the reply (default: the "
                                                              "orders' language, else en)")


async def cmd_scenes(args: argparse.Namespace) -> int:
    """List the scenes, or ask the hub to run, save or delete one."""
    from hub.client import automation_request

    action = args.scenes_command
    if action == "list":
        return await _list(args)
    if action == "add":
        result = await automation_request(url(args), "SaveScene", args.name, text=args.orders, lang=args.lang,
                                          timeout=args.timeout, home=args.home)
    else:
        name = "RunScene" if action == "run" else "DeleteScene"
        result = await automation_request(url(args), name, args.scene, lang=args.lang, timeout=args.timeout,
                                          home=args.home)
    return print_result(args, result)


async def _list(args: argparse.Namespace) -> int:
    from hub.client import list_automations

    found = await list_automations(url(args), timeout=args.timeout, home=args.home)
    if args.json:
        print(json_text(found.model_dump(by_alias=True, include={"scenes", "routines"})))
        return EXIT_OK
    for scene in found.scenes:
        names = " / ".join(n for _lang, n in scene.names.all()[:4])
        print(text(f"{scene.id:16} {scene.source:5} {names}"))
        for line in scene.actions:
            print(text(f"{'':23}{line}"))
    if found.routines:
        print("routines:")
        for routine in found.routines:
            print(text(f"  {routine.id:22} when {routine.when}"))
    return EXIT_OK
