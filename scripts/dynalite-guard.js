// dynalite-guard.js is preloaded into dynalite by test-servers.sh (node
// --require). dynalite 4.0.0 rethrows the "aborted" error (ECONNRESET) of a
// request whose client hung up before sending all of it, from an 'error'
// listener, and the uncaught exception ends the whole server: one test that
// cancels a request mid-flight would fail every test after it. This guard
// drops those errors, logging them, and lets any other error end the
// process as before.
'use strict'

process.on('uncaughtException', function (err) {
  if (err && err.code === 'ECONNRESET') {
    console.error('dynalite-guard: ignored a request aborted by its client: ' + err.message)
    return
  }
  console.error(err)
  process.exit(1)
})
