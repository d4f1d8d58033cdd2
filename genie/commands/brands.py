"""``genie brands``: browse the brand registry (brands, their models and what each can do)."""

from __future__ import annotations

import argparse
from typing import Any

from genie.commands.common import EXIT_FAILED, EXIT_OK, check_category, json_text, text


def register(sub: Any) -> None:
    """Add ``genie brands list|show|search``."""
    brands = sub.add_parser("brands", help="browse the brand registry (1,100+ real brands and their models)",
                            description="The brand registry: brands, their device models and what each can do "
                                        "(docs/brands.md says where the data comes from).")
    bsub = brands.add_subparsers(dest="brands_command", metavar="ACTION", required=True)
    blist = bsub.add_parser("list", help="list the brands", description="List every brand of the registry.")
    blist.add_argument("--category", metavar="C", help="only brands with products of this AliGenie category "
                                                       "(light, switch, outlet, curtain, aircondition, ...)")
    blist.add_argument("--json", action="store_true",
                       help="print a JSON list of {id, name, zh, categories, products, source}")
    blist.set_defaults(handler=cmd_list)
    bshow = bsub.add_parser("show", help="show a brand and its models",
                            description="Show a brand: names, sources, latency profile, firmware, and its models "
                                        "with their properties.")
    bshow.add_argument("brand", help="brand name, Chinese name, alias or id (e.g. Xiaomi, 小米, aqara)")
    bshow.add_argument("--all", action="store_true", help="list every model (default: 15 per category)")
    bshow.add_argument("--json", action="store_true", help="print JSON, with every product's specs and actions")
    bshow.set_defaults(handler=cmd_show)
    bsearch = bsub.add_parser("search", help="find brands and models by name",
                              description="Find brands whose names contain TEXT, and models whose id or "
                                          "description does.")
    bsearch.add_argument("text", help="what to look for, e.g. 空调, roborock or bulb")
    bsearch.add_argument("--json", action="store_true", help='print {"brands": [...], "products": [...]}')
    bsearch.set_defaults(handler=cmd_search)


async def cmd_list(args: argparse.Namespace) -> int:
    """List the brands (of a category)."""
    from devices.registry import load_registry, report

    registry = load_registry()
    brands = list(registry.brands.values())
    if args.category is not None:
        check_category(args.category)
        brands = registry.brands_in(args.category)
    if args.json:
        print(json_text([report.brand_summary(registry, b) for b in brands], indent=1))
    else:
        print(text("\n".join(report.list_text(registry, brands))))
    return EXIT_OK


async def cmd_show(args: argparse.Namespace) -> int:
    """Show one brand and its models."""
    from devices.registry import load_registry, report

    registry = load_registry()
    brand = registry.brand(args.brand)
    if args.json:
        print(json_text(report.brand_detail(registry, brand), indent=1))
    else:
        print(text("\n".join(report.show_text(registry, brand, everything=args.all))))
    return EXIT_OK


async def cmd_search(args: argparse.Namespace) -> int:
    """Find brands and models by name (exit status 1 when none is found)."""
    from devices.registry import load_registry, report

    registry = load_registry()
    found, products = registry.search(args.text)
    if args.json:
        print(json_text({"brands": [report.brand_summary(registry, b) for b in found],
                         "products": [report.product_detail(p) for p in products]}, indent=1))
    else:
        print(text("\n".join(report.search_text(registry, found, products))))
    return EXIT_OK if found or products else EXIT_FAILED
