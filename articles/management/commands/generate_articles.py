from pathlib import Path

from django.core.management.base import BaseCommand

from articles.generators import generate


class Command(BaseCommand):
    help = "Write N synthetic articles in the site's markdown format (the same ones for the same --seed)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, metavar="N", help="How many articles to write.")
        parser.add_argument(
            "outdir",
            nargs="?",
            default="generated-articles",
            metavar="OUTDIR",
            help="The folder to write into (default: generated-articles).",
        )
        parser.add_argument("--seed", type=int, default=1, help="The random seed (default: 1).")

    def handle(self, *args, count, outdir, seed, **options):
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        for name, text in generate(count, seed):
            (outdir / name).write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {count} articles to {outdir}")
