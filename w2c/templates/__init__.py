"""Jinja2 templates of the C emitter (placeholder, filled by the code-generation issue).

The template files live beside this file and ship in the wheel as package
data; find the folder with `w2c.resources.templates_dir()`.
"""
