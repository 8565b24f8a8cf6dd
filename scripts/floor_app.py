"""The floor of the launch benchmark: the three requests of a full launch on bare Flask under gunicorn.

No database, no Redis, no extensions, no templates: login initiation answers 302 with a state cookie,
the launch verifies the RS256 id_token with PyJWT and opens a session (303), the landing page is a
10 KB constant. `scripts/bench.py --floor` drives it with the same clients as the real tool, so the
difference between the two runs is what the tool itself costs. Not part of the product.
"""

import os
import secrets
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from flask import Flask, redirect, request, session

app = Flask(__name__)
app.secret_key = secrets.token_hex(32)
PUBLIC_KEY = serialization.load_pem_public_key(os.environ['FLOOR_PUBLIC_PEM'].encode())
AUDIENCE = os.environ.get('FLOOR_AUDIENCE', 'bench-client')
PAGE = '<!doctype html><title>Floor</title><h1>Safe use of an angle grinder</h1>' + 'x' * 10_000


@app.get('/lti/login')
def login():
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    response = redirect('https://platform.invalid/auth?' + urlencode({'state': state, 'nonce': nonce}), 302)
    response.set_cookie('lti1p3-' + state, state)
    return response


@app.post('/lti/launch')
def launch():
    claims = jwt.decode(request.form['id_token'], PUBLIC_KEY, algorithms=['RS256'], audience=AUDIENCE)
    session['_user_id'] = claims['sub']
    return redirect('/links/1', 303)


@app.get('/links/1')
def landing():
    return PAGE
