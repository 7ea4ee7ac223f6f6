module github.com/edgeq/edgeq

go 1.26.0

require (
	github.com/google/flatbuffers v25.9.23+incompatible
	github.com/tinylib/msgp v1.6.5
	golang.org/x/sys v0.50.0
	google.golang.org/protobuf v1.36.12
)

require (
	github.com/philhofer/fwd v1.2.0 // indirect
	golang.org/x/mod v0.18.0 // indirect
	golang.org/x/tools v0.22.0 // indirect
)

tool github.com/tinylib/msgp
