<?php
/**
 * driftdesk's Adminer plugin: opens the stack's PostgreSQL without typing the generated password.
 *
 * Mounted read-only at /var/www/html/plugins-enabled/ in the official adminer image, whose index.php
 * loads every file there and registers the plugin object it returns.
 *
 * Why a plugin: Adminer accepts no password in a URL, only in a POSTed login form. The real password
 * must not reach driftdesk's renderer, so the renderer only knows a separate access token
 * (DRIFTDESK_ADMINER_TOKEN). Opening `/?driftdesk_token=TOKEN` renders a login form that posts the token
 * as the password; `login()` accepts the token for the stack's server and user only, and
 * `credentials()` hands PostgreSQL the real password (DRIFTDESK_ADMINER_PASSWORD), which never leaves
 * this container. Every other server and user goes through Adminer's normal login unchanged.
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
		// The token, or the real password typed by hand; anything else is refused before PostgreSQL sees it.
		$password = (string) $password;
		if (($this->token !== '' && hash_equals($this->token, $password))
			|| ($this->password !== '' && hash_equals($this->password, $password))) {
			return true;
		}
		return 'Open Adminer from driftdesk (or `driftdesk stack urls`) to sign in to the stack database.';
	}

	function loginForm() {
		$token = isset($_GET['driftdesk_token']) ? (string) $_GET['driftdesk_token'] : '';
		if ($this->server === '' || $this->token === '' || !hash_equals($this->token, $token)) {
			return null;
		}
		echo "<p>Opening the driftdesk database…</p>\n";
		echo '<input type="hidden" name="auth[driver]" value="pgsql">';
		echo '<input type="hidden" name="auth[server]" value="' . h($this->server) . '">';
		echo '<input type="hidden" name="auth[username]" value="' . h($this->username) . '">';
		echo '<input type="hidden" name="auth[password]" value="' . h($token) . '">';
		echo '<input type="hidden" name="auth[db]" value="' . h($this->database) . '">';
		echo "<p><input type='submit' value='" . lang('Login') . "'>\n";
		// Adminer's CSP allows only scripts carrying its nonce; script() adds it.
		echo script("document.currentScript.closest('form').submit();");
		return true;
	}
}

return new DriftdeskAutologin();
