// The slicechain command line. Until the executive and the node exist, it says what the chain will be.
console.log('slicechain: a Substrate-style runtime in TypeScript (services pricing, compute slice marketplace).');
console.log('The block-producing CLI arrives with the executive; today the primitives, storage and state root are in place.');
