// ml-cart ships no type declarations; this declares the part driftdesk uses (DecisionTreeRegression).
declare module 'ml-cart' {
  export interface DecisionTreeRegressionOptions {
    /** The tree stops splitting at this depth. */
    maxDepth?: number
    /** A node with this many rows or fewer becomes a leaf. */
    minNumSamples?: number
    gainFunction?: 'regression'
    splitFunction?: 'mean'
  }
  export class DecisionTreeRegression {
    constructor(options?: DecisionTreeRegressionOptions)
    train(x: number[][], y: number[]): void
    predict(x: number[][]): number[]
    toJSON(): unknown
    static load(model: unknown): DecisionTreeRegression
  }
}
