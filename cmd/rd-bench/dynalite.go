package main

// dynaliteServer is a dynalite process that the run started.
type dynaliteServer struct {
	url  string
	stop func()
}
