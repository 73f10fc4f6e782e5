NAME = "Mini"
PORT = 8000
DATABASE = "sqlite"
EXTRAS = ["redis", "celery"]
SECRET_KEY = "4m=s0t*fq4e9)42cs5jfae_+g&&@1=rv4_i#67ljy4oy@4b+x5"
TOKEN = "b5b270126fcc70b0"
