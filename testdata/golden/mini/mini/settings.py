NAME = "Mini"
PORT = 8000
DATABASE = "sqlite"
EXTRAS = ["redis", "celery"]
SECRET_KEY = "7c8_n+^2^&*^kqgb@vq2&nm&*ard8)t#r16&#fw*f@$l2aq*h5"
TOKEN = "abf72298af3b8c55"
