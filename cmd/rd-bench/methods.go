package main

const methodCodec = `TODO`
const methodSQLite = `TODO`
const methodEmbedded = `TODO`
const methodDynalite = `TODO`
const methodSim = `TODO`
const methodReads = `TODO`
