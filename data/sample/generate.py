"""Regenerate the fictional sample clients: ``python data/sample/generate.py``.

Seeded, so running it again reproduces the same files byte for byte. The data and the
generator live in gyomu/samples.py.
"""

from pathlib import Path

from gyomu.samples import generate

if __name__ == "__main__":
    for path in generate(Path(__file__).resolve().parent):
        print(f"生成しました: {path}")
