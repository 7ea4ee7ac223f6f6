//go:build gc && !purego

#include "textflag.h"

// int8 ADD and SUB (see add_simd.go). WORDs are encoded from their
// comments by the GNU assembler for aarch64; `make asmcheck` checks them.
//
// V0, V1 input offsets (int16); V2, V3 input 1 multiplier and shift; V4, V5
// input 2's; V6, V7 the output's; V8 output offset (int16); V9, V10 min and
// max (int8). Per 16 values: V11, V12 inputs, V16-V19 and V20-V23 the
// rescaled inputs, V13-V15 scratch.

// func addInt8(a *addArgs)
TEXT ·addInt8(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 48(R0), [V8.S4, V9.S4, V10.S4]
	MOVD 0(R0), R1  // x
	MOVD 8(R0), R2  // y
	MOVD 16(R0), R3 // out
	MOVD 24(R0), R4 // n
	MOVD 32(R0), R5 // sub
	CBZ R4, add_done

add_loop:
	VLD1.P 16(R1), [V11.B16]
	VLD1.P 16(R2), [V12.B16]
	WORD $0x0f08a56d // sxtl v13.8h, v11.8b
	WORD $0x4f08a56e // sxtl2 v14.8h, v11.16b
	WORD $0x4e6085ad // add v13.8h, v13.8h, v0.8h
	WORD $0x4e6085ce // add v14.8h, v14.8h, v0.8h
	WORD $0x4f1755ad // shl v13.8h, v13.8h, #7
	WORD $0x4f1755ce // shl v14.8h, v14.8h, #7
	WORD $0x0f1da5b0 // sshll v16.4s, v13.4h, #13
	WORD $0x4f1da5b1 // sshll2 v17.4s, v13.8h, #13
	WORD $0x0f1da5d2 // sshll v18.4s, v14.4h, #13
	WORD $0x4f1da5d3 // sshll2 v19.4s, v14.8h, #13
	WORD $0x6ea2b610 // sqrdmulh v16.4s, v16.4s, v2.4s
	WORD $0x6ea2b631 // sqrdmulh v17.4s, v17.4s, v2.4s
	WORD $0x6ea2b652 // sqrdmulh v18.4s, v18.4s, v2.4s
	WORD $0x6ea2b673 // sqrdmulh v19.4s, v19.4s, v2.4s
	WORD $0x4e231e0f // and v15.16b, v16.16b, v3.16b
	WORD $0x4f2115f0 // ssra v16.4s, v15.4s, #31
	WORD $0x4e231e2f // and v15.16b, v17.16b, v3.16b
	WORD $0x4f2115f1 // ssra v17.4s, v15.4s, #31
	WORD $0x4e231e4f // and v15.16b, v18.16b, v3.16b
	WORD $0x4f2115f2 // ssra v18.4s, v15.4s, #31
	WORD $0x4e231e6f // and v15.16b, v19.16b, v3.16b
	WORD $0x4f2115f3 // ssra v19.4s, v15.4s, #31
	WORD $0x4ea35610 // srshl v16.4s, v16.4s, v3.4s
	WORD $0x4ea35631 // srshl v17.4s, v17.4s, v3.4s
	WORD $0x4ea35652 // srshl v18.4s, v18.4s, v3.4s
	WORD $0x4ea35673 // srshl v19.4s, v19.4s, v3.4s
	WORD $0x0f08a58d // sxtl v13.8h, v12.8b
	WORD $0x4f08a58e // sxtl2 v14.8h, v12.16b
	WORD $0x4e6185ad // add v13.8h, v13.8h, v1.8h
	WORD $0x4e6185ce // add v14.8h, v14.8h, v1.8h
	WORD $0x4f1755ad // shl v13.8h, v13.8h, #7
	WORD $0x4f1755ce // shl v14.8h, v14.8h, #7
	WORD $0x0f1da5b4 // sshll v20.4s, v13.4h, #13
	WORD $0x4f1da5b5 // sshll2 v21.4s, v13.8h, #13
	WORD $0x0f1da5d6 // sshll v22.4s, v14.4h, #13
	WORD $0x4f1da5d7 // sshll2 v23.4s, v14.8h, #13
	WORD $0x6ea4b694 // sqrdmulh v20.4s, v20.4s, v4.4s
	WORD $0x6ea4b6b5 // sqrdmulh v21.4s, v21.4s, v4.4s
	WORD $0x6ea4b6d6 // sqrdmulh v22.4s, v22.4s, v4.4s
	WORD $0x6ea4b6f7 // sqrdmulh v23.4s, v23.4s, v4.4s
	WORD $0x4e251e8f // and v15.16b, v20.16b, v5.16b
	WORD $0x4f2115f4 // ssra v20.4s, v15.4s, #31
	WORD $0x4e251eaf // and v15.16b, v21.16b, v5.16b
	WORD $0x4f2115f5 // ssra v21.4s, v15.4s, #31
	WORD $0x4e251ecf // and v15.16b, v22.16b, v5.16b
	WORD $0x4f2115f6 // ssra v22.4s, v15.4s, #31
	WORD $0x4e251eef // and v15.16b, v23.16b, v5.16b
	WORD $0x4f2115f7 // ssra v23.4s, v15.4s, #31
	WORD $0x4ea55694 // srshl v20.4s, v20.4s, v5.4s
	WORD $0x4ea556b5 // srshl v21.4s, v21.4s, v5.4s
	WORD $0x4ea556d6 // srshl v22.4s, v22.4s, v5.4s
	WORD $0x4ea556f7 // srshl v23.4s, v23.4s, v5.4s
	TBNZ $0, R5, add_sub
	WORD $0x4eb48610 // add v16.4s, v16.4s, v20.4s
	WORD $0x4eb58631 // add v17.4s, v17.4s, v21.4s
	WORD $0x4eb68652 // add v18.4s, v18.4s, v22.4s
	WORD $0x4eb78673 // add v19.4s, v19.4s, v23.4s
	B add_out

add_sub:
	WORD $0x6eb48610 // sub v16.4s, v16.4s, v20.4s
	WORD $0x6eb58631 // sub v17.4s, v17.4s, v21.4s
	WORD $0x6eb68652 // sub v18.4s, v18.4s, v22.4s
	WORD $0x6eb78673 // sub v19.4s, v19.4s, v23.4s

add_out:
	WORD $0x6ea6b610 // sqrdmulh v16.4s, v16.4s, v6.4s
	WORD $0x6ea6b631 // sqrdmulh v17.4s, v17.4s, v6.4s
	WORD $0x6ea6b652 // sqrdmulh v18.4s, v18.4s, v6.4s
	WORD $0x6ea6b673 // sqrdmulh v19.4s, v19.4s, v6.4s
	WORD $0x4e271e0f // and v15.16b, v16.16b, v7.16b
	WORD $0x4f2115f0 // ssra v16.4s, v15.4s, #31
	WORD $0x4e271e2f // and v15.16b, v17.16b, v7.16b
	WORD $0x4f2115f1 // ssra v17.4s, v15.4s, #31
	WORD $0x4e271e4f // and v15.16b, v18.16b, v7.16b
	WORD $0x4f2115f2 // ssra v18.4s, v15.4s, #31
	WORD $0x4e271e6f // and v15.16b, v19.16b, v7.16b
	WORD $0x4f2115f3 // ssra v19.4s, v15.4s, #31
	WORD $0x4ea75610 // srshl v16.4s, v16.4s, v7.4s
	WORD $0x4ea75631 // srshl v17.4s, v17.4s, v7.4s
	WORD $0x4ea75652 // srshl v18.4s, v18.4s, v7.4s
	WORD $0x4ea75673 // srshl v19.4s, v19.4s, v7.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x4e680e10 // sqadd v16.8h, v16.8h, v8.8h
	WORD $0x4e680e52 // sqadd v18.8h, v18.8h, v8.8h
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e296610 // smax v16.16b, v16.16b, v9.16b
	WORD $0x4e2a6e10 // smin v16.16b, v16.16b, v10.16b
	VST1.P [V16.B16], 16(R3)
	SUBS $16, R4
	BNE add_loop

add_done:
	RET
