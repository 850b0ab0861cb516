"""干部任免审批表 (.lrmx, the national 任免审批表 editor's file): read, map, write, import — one module a job.

The format is UTF-8 XML with root <Person> and pinyin tags (domain.md §5); there is no public specification, so
unknown tags are ignored and listed.

- `tags`: the tags, and the form's words as values: dates, the résumé, assessments, 奖惩, the post.
- `parse`: `read_sources(name, data)` opens one upload (an .lrmx/.xml file or a zip of them), refusing XML bombs,
  external entities and zip bombs (core.uploads); `parse_person` reads one file into a Person, or fails with a
  message naming the file and the tag.
- `write`: `record_values(cadre)` is the one place that says what the form shows for a cadre: the export
  (`serialize`), the printable form (`form_context`) and the comparison on import all use it, so that reading an
  exported file back changes nothing (tests/cadres/test_lrmx_roundtrip.py).
- `importing`: compares Persons with the record (`plan`) and saves them (`apply`).
"""
