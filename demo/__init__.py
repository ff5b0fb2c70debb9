"""The demo, an app of its own since it shows every other: ``manage.py loaddemo`` loads it.

- ``loading``: what the demo writes, and when a database may receive it (``load``, ``refusal``)
- ``stories``: the demo's articles and feed items, written for it in French
- ``pictures``: the illustrations, drawn by Pillow at load time
"""
