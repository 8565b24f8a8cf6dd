"""The floors of the launch benchmark: the three requests of a full launch on bare Flask under gunicorn.

`scripts/bench.py --floor` drives this app with the same clients as the real tool, in two forms:

- bare (no FLOOR_DATABASE_URL): no database, no Redis, no extensions, no templates. Login initiation answers
  302 with a state cookie, the launch verifies the RS256 id_token with PyJWT and opens a session (303), the
  landing page is a 10 KB constant. The ceiling of this machine and stack.
- with the least work any LTI tool on this stack must do (FLOOR_DATABASE_URL and FLOOR_REDIS_URL set): the
  login keeps state and nonce in Redis; the launch takes them back atomically (GETDEL), verifies the token,
  and in one transaction upserts the user and reads the course, the user's roles and the resource link
  (two SQLAlchemy Core statements); the landing page reads user, roles and link in one query and renders a
  Jinja template as large as the tool's landing page (4-5 KB). No ORM, no Flask extensions, no pylti1p3: what
  remains is the cost of the fixed choices (Flask, SQLAlchemy, PostgreSQL, Redis, gunicorn) for the protocol's
  minimum.

The difference between the runs is what the tool itself costs. Not part of the product.
"""

import json
import os
import secrets
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from flask import Flask, abort, redirect, request, session

app = Flask(__name__)
app.secret_key = os.environ.get('FLOOR_SECRET_KEY', 'floor-bench-only-not-a-secret')  # shared by the workers
PUBLIC_KEY = (serialization.load_pem_public_key(os.environ['FLOOR_PUBLIC_PEM'].encode())
              if 'FLOOR_PUBLIC_PEM' in os.environ else None)  # None: imported by bench.py for SCHEMA
AUDIENCE = os.environ.get('FLOOR_AUDIENCE', 'bench-client')
PAGE = '<!doctype html><title>Floor</title><h1>Safe use of an angle grinder</h1>' + 'x' * 10_000
DATABASE_URL = os.environ.get('FLOOR_DATABASE_URL')

SCHEMA = """
CREATE TABLE floor_users (id serial PRIMARY KEY, issuer text NOT NULL, subject text NOT NULL, name text NOT NULL,
                          email text, last_seen_at timestamptz NOT NULL, UNIQUE (issuer, subject));
CREATE TABLE floor_courses (id serial PRIMARY KEY, issuer text NOT NULL, context_id text NOT NULL,
                            title text NOT NULL, UNIQUE (issuer, context_id));
CREATE TABLE floor_roles (user_id int REFERENCES floor_users, course_id int REFERENCES floor_courses,
                          role text NOT NULL, PRIMARY KEY (user_id, course_id, role));
CREATE TABLE floor_links (id serial PRIMARY KEY, course_id int REFERENCES floor_courses, link_id text UNIQUE,
                          title text NOT NULL, summary text NOT NULL);
INSERT INTO floor_courses (issuer, context_id, title) VALUES ('https://bench-platform.invalid', 'bench-course',
                                                              'Bench course');
INSERT INTO floor_links (course_id, link_id, title, summary) VALUES (1, 'bench-link',
    'Safe use of an angle grinder', 'Guards, discs and a firm stance.');
"""

if DATABASE_URL:
    import redis
    import sqlalchemy as sa

    engine = sa.create_engine(DATABASE_URL)
    reader = engine.execution_options(isolation_level='AUTOCOMMIT')  # one read: no BEGIN/ROLLBACK round trips
    store = redis.Redis.from_url(os.environ['FLOOR_REDIS_URL'])
    UPSERT_USER = sa.text(
        'INSERT INTO floor_users (issuer, subject, name, email, last_seen_at) '
        'VALUES (:iss, :sub, :name, :email, now()) '
        'ON CONFLICT (issuer, subject) DO UPDATE SET name = excluded.name, email = excluded.email, '
        'last_seen_at = excluded.last_seen_at RETURNING id')
    COURSE_ROLES_LINK = sa.text(
        'SELECT c.id, c.title, r.role, l.id AS link FROM floor_courses c '
        'LEFT JOIN floor_roles r ON r.course_id = c.id AND r.user_id = :user '
        'LEFT JOIN floor_links l ON l.course_id = c.id AND l.link_id = :link '
        'WHERE c.issuer = :iss AND c.context_id = :context')
    ADD_ROLE = sa.text('INSERT INTO floor_roles (user_id, course_id, role) VALUES (:user, :course, :role) '
                       'ON CONFLICT DO NOTHING')
    LANDING = sa.text(
        'SELECT u.name, l.title, l.summary, c.title AS course, '
        '(SELECT string_agg(role, \',\') FROM floor_roles r WHERE r.user_id = u.id AND r.course_id = c.id) AS roles '
        'FROM floor_users u, floor_links l JOIN floor_courses c ON c.id = l.course_id '
        'WHERE u.id = :user AND l.id = :id')
    TEMPLATE = app.jinja_env.from_string(
        '<!doctype html><html lang="en"><title>{{ title }}</title><header>{{ name }}</header><main>'
        '<p>{{ course }}</p><h1>{{ title }}</h1><p>{{ summary }}</p>{% for n in range(24) %}<section><h2>{{ title }} '
        '{{ n }}</h2><p>{{ summary }} {{ roles }}</p><a href="/links/{{ link }}/steps/{{ n }}">{{ name }}</a>'
        '</section>{% endfor %}</main>')


@app.get('/lti/login')
def login():
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    if DATABASE_URL:
        store.set(f'login:{state}', json.dumps({'nonce': nonce, 'iss': request.args['iss']}), ex=600)
    response = redirect('https://platform.invalid/auth?' + urlencode({'state': state, 'nonce': nonce}), 302)
    response.set_cookie('lti1p3-' + state, state)
    return response


@app.post('/lti/launch')
def launch():
    claims = jwt.decode(request.form['id_token'], PUBLIC_KEY, algorithms=['RS256'], audience=AUDIENCE)
    if not DATABASE_URL:
        session['_user_id'] = claims['sub']
        return redirect('/links/1', 303)
    state = request.form['state']
    record = store.getdel(f'login:{state}')
    if record is None or request.cookies.get('lti1p3-' + state) != state or \
            json.loads(record)['nonce'] != claims['nonce']:
        abort(400)
    claim = 'https://purl.imsglobal.org/spec/lti/claim/'
    with engine.begin() as conn:
        user = conn.execute(UPSERT_USER, {'iss': claims['iss'], 'sub': claims['sub'], 'name': claims['name'],
                                          'email': claims['email']}).scalar_one()
        rows = conn.execute(COURSE_ROLES_LINK, {'user': user, 'iss': claims['iss'],
                                                'context': claims[claim + 'context']['id'],
                                                'link': claims[claim + 'resource_link']['id']}).all()
        if not any(row.role == 'learner' for row in rows):
            conn.execute(ADD_ROLE, {'user': user, 'course': rows[0].id, 'role': 'learner'})
    session['_user_id'] = user
    return redirect(f'/links/{rows[0].link}', 303)


@app.get('/links/<int:link_id>')
def landing(link_id: int):
    if not DATABASE_URL:
        return PAGE
    with reader.connect() as conn:
        row = conn.execute(LANDING, {'user': session['_user_id'], 'id': link_id}).first()
    if row is None or 'learner' not in (row.roles or ''):
        abort(403)
    return TEMPLATE.render(title=row.title, name=row.name, summary=row.summary, course=row.course, roles=row.roles,
                           link=link_id)
