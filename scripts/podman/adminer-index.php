<?php
// Entry point of the locally built Adminer image, behaving like the official image's index.php:
// every file in plugins-enabled/ returns a plugin object, and all of them are registered.
function adminer_object() {
	require_once __DIR__ . '/plugins/plugin.php';
	$plugins = array();
	foreach (glob(__DIR__ . '/plugins-enabled/*.php') as $file) {
		$plugins[] = require $file;
	}
	return new AdminerPlugin($plugins);
}
require __DIR__ . '/adminer.php';
