<?php
/**
 * driftdesk's Adminer plugin: opens the stack's PostgreSQL without typing the generated password.
 *
 * Mounted read-only at /var/www/html/plugins-enabled/ in the official adminer image, whose index.php
 * loads every file there and registers the plugin object it returns.
 *
 * Why a plugin: Adminer accepts no password in a URL, only in a POSTed login form. The real password
 * must not reach driftdesk's renderer, so the renderer only knows a separate access token
 * (DRIFTDESK_ADMINER_TOKEN). The password itself lives in this container's environment
 * (DRIFTDESK_ADMINER_PASSWORD), which only the container engine's users can read.
 *
 * The token travels in the address's fragment, `/#driftdesk_token=TOKEN`: a browser never sends a
 * fragment to the server, so the token reaches no access log (`stack logs adminer`). The login page
 * carries a small script that, when the fragment holds a token, removes it from the address and then
 * submits Adminer's login form once with the token as the password. A failed login (database down, name
 * lookup failing) comes back without the fragment, so it shows Adminer's error and is never submitted
 * again: one use of the token is at most one login attempt, and one failure never walks up to Adminer's
 * brute-force lockout (30 failures from one address lock every client out for 30 minutes).
 *
 * `credentials()` hands PostgreSQL the real password when the submitted password is the token, for the
 * stack's server and user only. Every other server and user goes through Adminer's normal login
 * unchanged, and a password typed by hand goes to PostgreSQL as typed (PostgreSQL checks it, and logs a
 * failed attempt).
 *
 * `stack up` also asks this plugin whether Adminer can reach PostgreSQL: a request carrying the token in
 * the `X-Driftdesk-Health` header is answered with "ok" or the connection error, without going through
 * Adminer's login (so a failing check never counts towards the lockout).
 */
class DriftdeskAutologin {
	private $server;
	private $username;
	private $database;
	private $password;
	private $token;

	function __construct() {
		$this->server = (string) getenv('DRIFTDESK_ADMINER_SERVER');
		$this->username = (string) getenv('DRIFTDESK_ADMINER_USERNAME');
		$this->database = (string) getenv('DRIFTDESK_ADMINER_DB');
		$this->password = (string) getenv('DRIFTDESK_ADMINER_PASSWORD');
		$this->token = (string) getenv('DRIFTDESK_ADMINER_TOKEN');
		$this->answerHealthCheck();
	}

	/** True when the request is for the stack's own database and user. */
	private function isStackLogin() {
		return $this->server !== ''
			&& DRIVER === 'pgsql'
			&& SERVER === $this->server
			&& isset($_GET['username'])
			&& $_GET['username'] === $this->username;
	}

	function credentials() {
		if ($this->isStackLogin() && $this->token !== '' && hash_equals($this->token, (string) get_password())) {
			return array($this->server, $this->username, $this->password);
		}
		return null;
	}

	function login($login, $password) {
		if (!$this->isStackLogin()) {
			return null;
		}
		// Reached only once PostgreSQL accepted the connection: with the token (swapped for the real
		// password by credentials()) or the real password typed by hand. Anything else that got this far
		// (a server configured to trust every login) is refused here.
		$password = (string) $password;
		if (($this->token !== '' && hash_equals($this->token, $password))
			|| ($this->password !== '' && hash_equals($this->password, $password))) {
			return true;
		}
		return 'Open Adminer from driftdesk (the panel\'s Adminer page) to sign in to the stack database.';
	}

	function loginForm() {
		if ($this->server !== '' && $this->token !== '') {
			// Adminer's CSP allows only scripts carrying its nonce; script() adds it. The form is Adminer's
			// own (this method returns null), filled in and submitted once the page has loaded.
			$fields = json_encode(array(
				'auth[driver]' => 'pgsql',
				'auth[server]' => $this->server,
				'auth[username]' => $this->username,
				'auth[db]' => $this->database,
			));
			echo script("(function () {
	var match = /^#driftdesk_token=([^&]+)/.exec(location.hash);
	if (!match) return;
	// One use: the token leaves the address before the form is sent, so a failed login is not sent again.
	history.replaceState(null, '', location.pathname + location.search);
	var fields = $fields;
	fields['auth[password]'] = decodeURIComponent(match[1]);
	document.addEventListener('DOMContentLoaded', function () {
		var password = document.querySelector('input[name=\"auth[password]\"]');
		if (!password || !password.form) return;
		var form = password.form;
		for (var name in fields) {
			var field = form.elements.namedItem(name);
			if (field) field.value = fields[name];
		}
		var note = document.createElement('p');
		note.textContent = 'Opening the driftdesk database…';
		form.insertBefore(note, form.firstChild);
		form.submit();
	});
})();");
		}
		return null;
	}

	/** Answers `stack up`'s reachability check (see the class comment) and ends the request. */
	private function answerHealthCheck() {
		if (!isset($_SERVER['HTTP_X_DRIFTDESK_HEALTH'])) {
			return;
		}
		header('Content-Type: text/plain; charset=utf-8');
		header('Cache-Control: no-store');
		if ($this->token === '' || !hash_equals($this->token, (string) $_SERVER['HTTP_X_DRIFTDESK_HEALTH'])) {
			http_response_code(403);
			echo "driftdesk: wrong or missing token\n";
			exit;
		}
		$error = $this->connectionError();
		http_response_code($error === null ? 200 : 503);
		echo $error === null ? "ok\n" : "$error\n";
		exit;
	}

	/** Why this container cannot sign in to the stack's PostgreSQL, or null when it can. */
	private function connectionError() {
		$parts = explode(':', $this->server, 2);
		$host = $parts[0];
		$port = isset($parts[1]) && $parts[1] !== '' ? $parts[1] : '5432';
		if (function_exists('pg_connect')) {
			$quote = function ($value) {
				return "'" . addcslashes((string) $value, "'\\") . "'";
			};
			$connection = @pg_connect(
				'host=' . $quote($host) . ' port=' . $quote($port) . ' dbname=' . $quote($this->database)
				. ' user=' . $quote($this->username) . ' password=' . $quote($this->password)
				. ' connect_timeout=3',
				PGSQL_CONNECT_FORCE_NEW
			);
			if ($connection === false) {
				$last = error_get_last();
				// PHP's built-in server formats warnings as HTML (html_errors): turn &quot; back into ".
				$message = $last === null ? 'could not connect' : html_entity_decode(strip_tags($last['message']), ENT_QUOTES);
				return preg_replace('~^pg_connect\(\): ~', '', $message);
			}
			pg_close($connection);
			return null;
		}
		try {
			new PDO("pgsql:host=$host;port=$port;dbname=$this->database", $this->username, $this->password, array(PDO::ATTR_TIMEOUT => 3));
			return null;
		} catch (Exception $exception) {
			return $exception->getMessage();
		}
	}
}

return new DriftdeskAutologin();
