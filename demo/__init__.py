"""The demo, an app of its own since it shows every other: ``manage.py loaddemo`` loads it.

- ``loading``: what the demo writes, and when a database may receive it (``load``, ``refusal``)
- ``stories``: the demo's articles, written for it in French
- ``feed``: the demo's feed source and the items its last run brought
- ``pictures``: the illustrations, drawn by Pillow at load time
"""
