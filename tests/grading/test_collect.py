"""nettrain_grading.collect: LMS files into submitted/<student>/<lesson>/, without running nbgrader."""
import os

import pytest

from nettrain_grading import collect

NOTEBOOKS = {"01_update_rule": "01_update_rule", "02_batch_strategies": "02_batch_strategies"}


def write(folder, name, text, mtime):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))


def test_a_folder_of_lms_files_is_sorted_by_student_and_lesson(tmp_path):
    download = tmp_path / "download"
    write(download, "ada_01_update_rule.ipynb", "old", 1_000)
    write(download, "ada_01_update_rule (2).ipynb", "new", 2_000)
    write(download, "ada_02_batch_strategies.ipynb", "ada 02", 1_500)
    write(download, "alan/alan_01_update_rule.ipynb", "alan 01", 1_500)     # subfolders are searched
    write(download, "notes_01_update_rule.txt", "not a notebook", 1_500)
    write(download, "grace_homework.ipynb", "no lesson named", 1_500)
    collected = collect.from_files(tmp_path / "course", download, NOTEBOOKS)
    assert sorted(collected.copied) == [("ada", "01_update_rule"), ("ada", "02_batch_strategies"),
                                        ("alan", "01_update_rule")]
    submitted = tmp_path / "course" / "submitted"
    assert (submitted / "ada" / "01_update_rule" / "01_update_rule.ipynb").read_text() == "new"
    assert (submitted / "ada" / "01_update_rule" / "timestamp.txt").read_text().startswith("1970-01-01 00:33:20")
    reasons = dict(collected.skipped)
    assert "newer file" in reasons["ada_01_update_rule.ipynb"]
    assert "names no lesson notebook" in reasons["grace_homework.ipynb"]


def test_a_pattern_without_a_student_group_is_refused(tmp_path):
    with pytest.raises(SystemExit, match=r"no \(\?P<student>...\) group"):
        collect.from_files(tmp_path, tmp_path, NOTEBOOKS, pattern=r"(\w+)_.*\.ipynb")


def test_something_that_is_neither_zip_nor_folder_is_refused(tmp_path):
    (tmp_path / "grades.pdf").write_text("%PDF")
    with pytest.raises(SystemExit, match="expected a .zip file or a folder"):
        collect.from_files(tmp_path, tmp_path / "grades.pdf", NOTEBOOKS)
