"""The ceiling: a bare Flask "hello" app, served by gunicorn with the same settings as the portal."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
