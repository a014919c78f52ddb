/** Types for ml-isolation-forest 0.1 (the package ships none). */
declare module 'ml-isolation-forest' {
  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    /** Trains `nEstimators` trees on `trainingSet`; a second call APPENDS trees. Uses Math.random. */
    train(trainingSet: number[][]): void;
    /** Anomaly score of each row, in (0, 1]; about 0.5 for ordinary points. */
    predict(data: number[][]): number[];
  }
}
