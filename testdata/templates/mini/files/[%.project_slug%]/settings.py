NAME = [% pyString .project_name %]
PORT = [% .port %]
DATABASE = "[% .database %]"
EXTRAS = [[% range $i, $e := .extras %][% if $i %], [% end %]"[% $e %]"[% end %]]
SECRET_KEY = "[% secretKey 50 %]"
TOKEN = "[% secretHex 8 %]"
