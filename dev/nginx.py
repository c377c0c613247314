"""Debian's nginx in front of a gunicorn of dev/live_server.py, configured as the administrator guide tells
administrators to (the `file_offload='nginx'` internal location and the proxy), for the offload tests and bench.

Every file of the instance (configuration, pid, logs, temporary folders) lives in one prefix folder; it listens on a
free port and stops when the block ends. `make test` installs nginx (dev/bootstrap.sh e2e).
"""

import os
import shutil
import subprocess
import time
from contextlib import contextmanager

import requests

from dev.live_server import free_port

NGINX = '/usr/sbin/nginx'

CONF = """
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 2g;

    server {{
        listen 127.0.0.1:{port};

        location /netbox-attachments-internal/ {{
            internal;
            alias {media_root}/;
            etag off;
            if_modified_since off;
            add_header ETag $upstream_http_etag;
            add_header Last-Modified $upstream_http_last_modified;
            add_header X-Content-Type-Options $upstream_http_x_content_type_options;
            add_header Content-Security-Policy $upstream_http_content_security_policy;
        }}
{extra_locations}
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
{proxy_options}
        }}
    }}
}}
"""


def nginx_binary():
    found = shutil.which('nginx') or (NGINX if os.access(NGINX, os.X_OK) else None)
    if found is None:
        raise RuntimeError("nginx is not installed: run 'dev/bootstrap.sh e2e' (or 'apt-get install nginx').")
    return found


@contextmanager
def nginx_in_front(upstream, media_root, prefix, extra_locations='', proxy_options=''):
    """nginx proxying to `upstream`, its internal location mapping `media_root`; yields its URL."""
    prefix.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # As root, nginx's workers would run as nobody, who may not enter private temporary folders.
    user = 'user root root;' if os.geteuid() == 0 else ''
    conf = CONF.format(
        user=user,
        prefix=prefix,
        port=port,
        media_root=media_root,
        upstream=upstream,
        extra_locations=extra_locations,
        proxy_options=proxy_options,
    )
    (prefix / 'nginx.conf').write_text(conf)
    command = [nginx_binary(), '-c', str(prefix / 'nginx.conf'), '-p', str(prefix), '-g', 'daemon off;']
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(100):
            if process.poll() is not None:
                raise RuntimeError(f'nginx exited: {(prefix / "error.log").read_text()[-2000:]}')
            try:
                requests.get(f'{url}/api/status/', timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
