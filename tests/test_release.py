"""A wheel built by the documented release steps (dev/release.sh) from a clean copy of the tree carries the bundles."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def clean_copy(target):
    """What a fresh clone holds, uncommitted changes included: tracked and new files, nothing git ignores."""
    listed = subprocess.run(
        ['git', 'ls-files', '--cached', '--others', '--exclude-standard', '-z'],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split('\0')):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    if shutil.which('npm') is None or shutil.which('git') is None:
        pytest.fail('The release test needs git and npm (Node.js >= 20).')
    tree = tmp_path_factory.mktemp('clean-tree')
    clean_copy(tree)
    assert not (tree / 'netbox_attachments' / 'webpack-stats.json').exists(), 'build output must not be committed'
    out = tree / 'dist'
    subprocess.run(
        ['dev/release.sh', str(out)], cwd=tree, check=True, env={**os.environ, 'PYTHON': sys.executable}, timeout=900
    )
    (built,) = out.glob('netbox_attachments_ng-*.whl')
    return zipfile.ZipFile(built)


def test_the_wheel_carries_the_stats_file_and_every_bundle_it_names(wheel):
    names = set(wheel.namelist())
    stats = json.loads(wheel.read('netbox_attachments/webpack-stats.json'))
    assert stats['status'] == 'done'
    assert set(stats['chunks']) == {'object-widget', 'manager'}
    for entry, files in stats['chunks'].items():
        assert files, entry
        for file in files:
            assert f'netbox_attachments/static/netbox_attachments/dist/{file}' in names, file
    lazy = [name for name in names if '/dist/chunks/' in name and name.endswith('.js')]
    assert lazy, 'the preview chunk is missing'


def test_the_wheel_carries_the_templates_that_load_the_bundles(wheel):
    names = set(wheel.namelist())
    for template in ('object_tab.html', 'manager.html', 'inc/object_panel.html', 'inc/widget_bundle.html'):
        assert f'netbox_attachments/templates/netbox_attachments/{template}' in names


def test_the_stats_file_holds_no_build_machine_paths(wheel):
    stats = wheel.read('netbox_attachments/webpack-stats.json').decode()
    assert '/work/' not in stats and str(REPO) not in stats
